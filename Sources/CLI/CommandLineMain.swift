import ArgumentParser
import Foundation
import Soak

/// `solana-pool-cache <command> …`: parses with ArgumentParser (`RootCommand`), runs the command,
/// and returns the process exit code. `--help` on any command prints its options (exit 0); every
/// failure is one line on stderr: `usage: …` (exit 2) for a bad invocation, `error: …` (exit 1)
/// for bad input, as before the move to ArgumentParser.
public enum CommandLineMain {
    static let commands = Set(RootCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" })

    public static func run(_ arguments: [String]) async -> Int32 {
        var args = arguments
        // The original was started as `solana-pool-cache config.toml`.
        if let first = args.first, first.hasSuffix(".toml") { args = ["run"] + args }
        guard let command = args.first else {
            CommandOutput.errorLine(RootCommand.helpMessage())
            return 2
        }
        let helpAsked = args.contains("--help") || args.contains("-h")
        // The soak harness parses its own flags (SoakCommandLine only documents them).
        if command == "soak" {
            if !helpAsked { return await SoakCommand.main(Array(args.dropFirst())) }
            CommandOutput.line(RootCommand.helpMessage(for: SoakCommandLine.self))
            return 0
        }
        if !command.hasPrefix("-") && command != "help" && !commands.contains(command) {
            return fail(CommandError.usage("unknown command '\(command)' (try --help)"))
        }
        if let repeated = repeatedOption(in: args.dropFirst()) {
            // ArgumentParser keeps the last of a repeated option; the hand-written parser refused it, and so do we.
            return fail(CommandError.usage("\(command): \(repeated.flag) given \(repeated.count) times"))
        }
        var parsed: ParsableCommand
        do { parsed = try RootCommand.parseAsRoot(args) } catch let e as CommandError {
            return fail(e)
        } catch {
            if RootCommand.exitCode(for: error) == .success {
                // --help, -h, `help <command>`: the help text on stdout.
                CommandOutput.line(RootCommand.fullMessage(for: error))
                return 0
            }
            if let sub = subcommand(command), let unknown = unknownOption(in: args.dropFirst(), of: sub) {
                // ArgumentParser reports a missing option before an unknown one; the unknown one is the real mistake.
                return fail(CommandError.usage("\(command): unknown option \(unknown)"))
            }
            return fail(ParseFailure.commandError(RootCommand.message(for: error), command: commands.contains(command) ? command : nil))
        }
        // Failures while running are bad input or a failing service (exit 1), never usage.
        do {
            if var async = parsed as? AsyncParsableCommand { try await async.run() } else { try parsed.run() }
            return 0
        } catch let e as CommandError {
            return fail(e)
        } catch  where RootCommand.exitCode(for: error) == .success {
            // ArgumentParser answers help requests with a command whose run() throws the help text.
            CommandOutput.line(RootCommand.fullMessage(for: error))
            return 0
        } catch {
            CommandOutput.errorLine("error: \(error)")
            return 1
        }
    }

    static func subcommand(_ name: String) -> ParsableCommand.Type? {
        RootCommand.configuration.subcommands.first { $0.configuration.commandName == name }
    }

    /// The first `--flag` (or `-x`) in `args` that the command's help does not list.
    static func unknownOption(in args: ArraySlice<String>, of command: ParsableCommand.Type) -> String? {
        let help = RootCommand.helpMessage(for: command)
        var known: Set<String> = []
        var word = ""
        for c in help + " " {
            if c.isLetter || c.isNumber || c == "-" {
                word.append(c)
            } else {
                if word.hasPrefix("-") { known.insert(word) }
                word = ""
            }
        }
        for a in args where a.hasPrefix("-") && a != "-" && Int64(a) == nil {
            let flag = String(a.split(separator: "=", maxSplits: 1)[0])
            if !known.contains(flag) { return flag }
        }
        return nil
    }

    /// The first `--flag` given more than once (`--accounts` takes several paths in one or more groups).
    static func repeatedOption(in args: ArraySlice<String>) -> (flag: String, count: Int)? {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for a in args where a.hasPrefix("--") && a != "--accounts" && !a.hasPrefix("--accounts=") {
            let flag = String(a.split(separator: "=", maxSplits: 1)[0])
            if counts[flag] == nil { order.append(flag) }
            counts[flag, default: 0] += 1
        }
        return order.first { counts[$0]! > 1 }.map { ($0, counts[$0]!) }
    }

    static func fail(_ e: CommandError) -> Int32 {
        CommandOutput.errorLine(e.description)
        return e.exitCode
    }
}
