import CLI
import Foundation

// Entry point: dispatches to the commands; every failure is one line on stderr and a non-zero exit.
let code = await CommandLineMain.run(Array(CommandLine.arguments.dropFirst()))
exit(code)
