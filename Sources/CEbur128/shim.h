#include <ebur128.h>

/* True peak per ITU-R BS.1770-4 Annex 2 (4x oversampling, 48-tap polyphase FIR), used by LoaAudio instead of
   libebur128's true-peak mode, which costs six times the rest of the loudness analysis. In C so that debug builds,
   where Swift's SIMD is not specialised, stay fast enough for the tests. */
static const float loa_tp_h[4][12] = {
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

/* The plain definition, kept as the reference the fast kernel is tested against.
   `x` holds `outputs + 11` samples of one channel, oldest first; returns the largest |y| over all phases. */
static inline float loa_true_peak_reference(const float *x, long outputs) {
    float peak = 0.0f;
    for (long n = 0; n < outputs; n++) {
        const float *w = x + n + 11;
        for (int p = 0; p < 4; p++) {
            float y = 0.0f;
            for (int k = 0; k < 12; k++) y += loa_tp_h[p][k] * w[-k];
            float m = y < 0 ? -y : y;
            peak = m > peak ? m : peak;
        }
    }
    return peak;
}

typedef float loa_v8 __attribute__((vector_size(32)));
typedef int loa_i8 __attribute__((vector_size(32)));

/* *m = lane-wise max(*m, v) (a bit select: the vector ?: is not C everywhere). Pointers, not vector values, cross
   the call so that no 32-byte vector is passed by value in a baseline (non-AVX) build. */
static inline void loa_v8_max_into(loa_v8 *m, const loa_v8 *v) {
    loa_i8 more = *v > *m, iv, im;
    __builtin_memcpy(&iv, v, sizeof iv);
    __builtin_memcpy(&im, m, sizeof im);
    im = (more & iv) | (~more & im);
    __builtin_memcpy(m, &im, sizeof im);
}

/* Eight outputs (all four phases) starting at output n, folded into `best` (GCC vector types: Swift's LLVM
   pipeline does not vectorise imported C loops). Same sums in the same order as the reference. */
static inline void loa_true_peak_block8(const float *x, long n, loa_v8 *best) {
    for (int p = 0; p < 4; p++) {
        loa_v8 acc = {0, 0, 0, 0, 0, 0, 0, 0};
        for (int k = 0; k < 12; k++) {
            loa_v8 w;
            __builtin_memcpy(&w, x + n + 11 - k, sizeof w);
            acc += loa_tp_h[p][k] * w;
        }
        loa_i8 a;
        __builtin_memcpy(&a, &acc, sizeof a);
        a &= 0x7fffffff;                   /* |acc| */
        loa_v8 mag;
        __builtin_memcpy(&mag, &a, sizeof mag);
        loa_v8_max_into(best, &mag);
    }
}

/* max |x[i]| over `count` samples (the sample peak, the true-peak kernel's starting floor). Eight independent
   lanes: a single running max is one long dependency chain. */
static inline float loa_abs_max(const float *x, long count) {
    loa_v8 m = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        loa_i8 a;
        __builtin_memcpy(&a, x + i, sizeof a);
        a &= 0x7fffffff;
        loa_v8 v;
        __builtin_memcpy(&v, &a, sizeof v);
        loa_v8_max_into(&m, &v);
    }
    float mx = 0.0f;
    for (int k = 0; k < 8; k++) mx = m[k] > mx ? m[k] : mx;
    for (; i < count; i++) {
        float v = x[i] < 0 ? -x[i] : x[i];
        mx = v > mx ? v : mx;
    }
    return mx;
}

/* The largest |y| over all phases, or a value ≤ `floor` when every |y| is ≤ `floor` (the caller keeps the max
   with its floor, so the result is the reference's). Exact skip: an output of phase p is at most Σ|h[p]| times
   the largest |x| in its 12-sample window, so a block of 32 outputs whose inputs are all ≤ floor / max Σ|h|
   (2.0228…, phase 1 and 2) can't raise the peak and is not filtered. Loud passages raise the floor early, so
   typical programme skips most blocks. */
static inline float loa_true_peak_max(const float *x, long outputs, float floor) {
    enum { B = 32 };
    /* max over phases of Σ|h| = 2.0228271484375, plus a margin for float rounding of the sums (≤ 12 ulp). */
    const float gain = 2.0228271484375f * 1.0001f;
    loa_v8 best = {floor, floor, floor, floor, floor, floor, floor, floor};
    float running = floor;
    long n = 0;
    for (; n + B <= outputs; n += B) {
        /* |x| max over the block's inputs: x[n ... n + B + 10]. */
        if (loa_abs_max(x + n, B + 11) * gain <= running) continue;
        for (int i = 0; i < B; i += 8) loa_true_peak_block8(x, n + i, &best);
        for (int i = 0; i < 8; i++) running = best[i] > running ? best[i] : running;
    }
    float peak = running;
    for (; n + 8 <= outputs; n += 8) loa_true_peak_block8(x, n, &best);
    for (int i = 0; i < 8; i++) peak = best[i] > peak ? best[i] : peak;
    float tail = loa_true_peak_reference(x + n, outputs - n);
    return tail > peak ? tail : peak;
}


/* One channel of interleaved frames into a contiguous run. */
static inline void loa_deinterleave(const float *src, long channels, long channel, long frames, float *dst) {
    src += channel;
    for (long i = 0; i < frames; i++) dst[i] = src[i * channels];
}
