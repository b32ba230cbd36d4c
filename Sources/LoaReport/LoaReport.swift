// LoaReport: see the issue that builds it.
