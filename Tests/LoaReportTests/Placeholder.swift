// placeholder until report tests compile
