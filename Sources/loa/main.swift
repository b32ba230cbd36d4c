import LoaCommands

await Loa.runAsync()
