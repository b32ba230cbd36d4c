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
    /* Eight outputs at a time in GCC vector types: Swift's LLVM pipeline does not vectorise imported C loops. */
    typedef float v8 __attribute__((vector_size(32)));
    typedef int i8 __attribute__((vector_size(32)));
    v8 best = {0, 0, 0, 0, 0, 0, 0, 0};
    long n = 0;
    for (; n + 8 <= outputs; n += 8) {
        for (int p = 0; p < 4; p++) {
            v8 acc = {0, 0, 0, 0, 0, 0, 0, 0};
            for (int k = 0; k < 12; k++) {
                v8 w;
                __builtin_memcpy(&w, x + n + 11 - k, sizeof w);
                acc += h[p][k] * w;
            }
            i8 a, b;
            __builtin_memcpy(&a, &acc, sizeof a);
            __builtin_memcpy(&b, &best, sizeof b);
            a &= 0x7fffffff;                   /* |acc| */
            v8 mag;
            __builtin_memcpy(&mag, &a, sizeof mag);
            i8 more = mag > best;
            b = (more & a) | (~more & b);
            __builtin_memcpy(&best, &b, sizeof best);
        }
    }
    float peak = 0.0f;
    for (int i = 0; i < 8; i++) peak = best[i] > peak ? best[i] : peak;
    for (; n < outputs; n++) {
        const float *w = x + n + 11;
        for (int p = 0; p < 4; p++) {
            float y = 0.0f;
            for (int k = 0; k < 12; k++) y += h[p][k] * w[-k];
            float m = y < 0 ? -y : y;
            peak = m > peak ? m : peak;
        }
    }
    return peak;
}
