import RemoteCore
import SpecFiles
import Testing
@testable import Control

@Suite("Shell quoting")
struct ShellQuoteTests {
    @Test("plain words stay as they are")
    func plainWords() {
        #expect(ShellQuote.quote("hostname") == "hostname")
        #expect(ShellQuote.quote("/var/lib/faultline/n1") == "/var/lib/faultline/n1")
        #expect(ShellQuote.quote("--name=n1") == "--name=n1")
    }

    @Test("everything else is single-quoted, with ' written as '\\''")
    func quoted() {
        #expect(ShellQuote.quote("") == "''")
        #expect(ShellQuote.quote("a b") == "'a b'")
        #expect(ShellQuote.quote("it's") == "'it'\\''s'")
        #expect(ShellQuote.quote("$HOME") == "'$HOME'")
        #expect(ShellQuote.join(["echo", "a b", "c"]) == "echo 'a b' c")
    }

    @Test("sh receives every argument exactly as given", .timeLimit(.minutes(1)))
    func roundTripThroughShell() async throws {
        let words = ["plain", "", "two words", "it's", "\"double\"", "$HOME `id` $(id)", "back\\slash", "tab\there",
                     "new\nline", "*", "~", ";|&<>", "ünïcødé", "!bang", "#hash", "{a,b}"]
        let result = try await LocalRemote().exec(ExecRequest(argv: ["printf", "%s\\0"] + words))
        #expect(result.status.isSuccess)
        let received = result.stdout.split(separator: 0, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(received == words)
    }

    @Test("sudo and the remote timeout wrap the command, not replace it")
    func commandLineWrapping() {
        let plain = ExecRequest("echo hi")
        #expect(RemoteCommandLine.build(plain, loginIsRoot: false, killAfterTimeout: true) == "echo hi")
        let sudo = ExecRequest("echo hi", sudo: true)
        #expect(RemoteCommandLine.build(sudo, loginIsRoot: false, killAfterTimeout: false) == "sudo -n -- sh -c 'echo hi'")
        #expect(RemoteCommandLine.build(sudo, loginIsRoot: true, killAfterTimeout: false) == "echo hi")
        let timed = ExecRequest("sleep 9", timeout: .milliseconds(1500))
        #expect(RemoteCommandLine.build(timed, loginIsRoot: true, killAfterTimeout: true)
                == "timeout -k 1 2.500 sh -c 'sleep 9'")
    }

    @Test("durations as text")
    func durations() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("5s") == .seconds(5))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("1.5") == .milliseconds(1500))
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.parse("-1s") == nil)
    }
}
