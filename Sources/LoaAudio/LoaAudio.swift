// LoaAudio: see the issue that builds it.
