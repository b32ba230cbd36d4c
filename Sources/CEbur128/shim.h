#include <ebur128.h>

/* True peak per ITU-R BS.1770-4 Annex 2 (4x oversampling, 48-tap polyphase FIR), used by LoaAudio instead of
   libebur128's true-peak mode, which costs six times the rest of the loudness analysis. In C so that debug builds,
   where Swift's SIMD is not specialised, stay fast enough for the tests.
   `x` holds `outputs + 11` samples of one channel, oldest first; returns the largest |y| over all phases. */
static inline float loa_true_peak_max(const float *x, long outputs) {
    static const float h[4][12] = {
        { 0.0017089843750f, 0.0109863281250f, -0.0196533203125f, 0.0332031250000f, -0.0594482421875f,
          0.1373291015625f, 0.9721679687500f, -0.1022949218750f, 0.0476074218750f, -0.0266113281250f,
          0.0148925781250f, -0.0083007812500f },
        { -0.0291748046875f, 0.0292968750000f, -0.0517578125000f, 0.0891113281250f, -0.1665039062500f,
          0.4650878906250f, 0.7797851562500f, -0.2003173828125f, 0.1015625000000f, -0.0582275390625f,
          0.0330810546875f, -0.0189208984375f },
        { -0.0189208984375f, 0.0330810546875f, -0.0582275390625f, 0.1015625000000f, -0.2003173828125f,
          0.7797851562500f, 0.4650878906250f, -0.1665039062500f, 0.0891113281250f, -0.0517578125000f,
          0.0292968750000f, -0.0291748046875f },
        { -0.0083007812500f, 0.0148925781250f, -0.0266113281250f, 0.0476074218750f, -0.1022949218750f,
          0.9721679687500f, 0.1373291015625f, -0.0594482421875f, 0.0332031250000f, -0.0196533203125f,
          0.0109863281250f, 0.0017089843750f },
    };
    /* Blocks of outputs, tap-outer and sample-inner, so the compiler vectorises the inner loops. */
    float peak = 0.0f;
    float acc[64];
    for (long n0 = 0; n0 < outputs; n0 += 64) {
        long m = outputs - n0 < 64 ? outputs - n0 : 64;
        for (int p = 0; p < 4; p++) {
            for (long i = 0; i < m; i++) acc[i] = 0.0f;
            for (int k = 0; k < 12; k++) {
                const float c = h[p][k];
                const float *w = x + n0 + 11 - k;
                for (long i = 0; i < m; i++) acc[i] += c * w[i];
            }
            for (long i = 0; i < m; i++) {
                float a = acc[i] < 0 ? -acc[i] : acc[i];
                peak = a > peak ? a : peak;
            }
        }
    }
    return peak;
}
