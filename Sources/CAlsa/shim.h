#include <alsa/asoundlib.h>

/* alsa-lib prints its own diagnostics to stderr (e.g. "Unknown PCM foo"); Loa reports errors itself, in two
   languages, so it installs this quiet handler. Swift cannot define a variadic C callback, hence it lives here. */
static void loa_alsa_quiet_handler(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}
static inline void loa_alsa_silence_errors(void) { snd_lib_error_set_handler(loa_alsa_quiet_handler); }
