import Foundation

/// Unbuffered writes of whole lines: the commands' answers on stdout, failures on stderr.
enum CommandOutput {
    static func line(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    static func errorLine(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
