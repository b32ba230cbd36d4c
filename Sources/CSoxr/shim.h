#include <soxr.h>
#include <stdint.h>
#if defined(__x86_64__) || defined(__i386__)
#include <emmintrin.h>
#endif

/* The last step of the playout conversion (after libsoxr), here beside it because it is C for the same reason. */
/* Float → s16 with gain: round to nearest even, clip. Baseline SSE2 (cvtps2dq rounds under the default MXCSR
   mode; packssdw saturates); Swift's rounded() calls rintf per sample on baseline x86-64. */
static inline void loa_float_to_s16(const float *in, int16_t *out, long count, float scale) {
    long i = 0;
#if defined(__x86_64__) || defined(__i386__)
    const __m128 s = _mm_set1_ps(scale), lo = _mm_set1_ps(-32768.0f), hi = _mm_set1_ps(32767.0f);
    for (; i + 8 <= count; i += 8) {
        __m128 a = _mm_mul_ps(_mm_loadu_ps(in + i), s), b = _mm_mul_ps(_mm_loadu_ps(in + i + 4), s);
        a = _mm_min_ps(_mm_max_ps(_mm_and_ps(a, _mm_cmpord_ps(a, a)), lo), hi);   /* NaN → 0 */
        b = _mm_min_ps(_mm_max_ps(_mm_and_ps(b, _mm_cmpord_ps(b, b)), lo), hi);
        _mm_storeu_si128((__m128i *)(out + i), _mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b)));
    }
#endif
    for (; i < count; i++) {
        float v = __builtin_rintf(in[i] * scale);
        out[i] = v >= 32767.0f ? 32767 : v <= -32768.0f ? -32768 : v == v ? (int16_t)v : 0;
    }
}
