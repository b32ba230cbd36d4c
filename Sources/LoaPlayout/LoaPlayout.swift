// LoaPlayout: see the issue that builds it.
