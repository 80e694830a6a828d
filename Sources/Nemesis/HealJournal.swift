import Foundation
import RemoteCore

/// What `Heal` must do on a host to undo one fault: a word in the journal line, which the
/// `HealStep` beside the faults that write it carries out. Each word is declared there.
public struct UndoAction: RawRepresentable, Hashable, Codable, Sendable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One line of a host's heal journal: written before a fault is applied on the host, removed once
/// it is healed. `faultline heal` (`Heal.heal`) undoes whatever lines are left after a crash.
public struct HealJournalEntry: Codable, Sendable, Equatable {
    /// Unique per applied fault (16 hex digits).
    public var id: String
    /// The fault's kind (`FaultKind.rawValue`).
    public var fault: String
    public var undo: [UndoAction]
    /// For `clock`: the NTP daemons that ran before and must be started again.
    public var ntpServices: [String]?
    /// For `netem`: the interface.
    public var interface: String?

    public init(id: String, fault: String, undo: [UndoAction], ntpServices: [String]? = nil, interface: String? = nil) {
        self.id = id
        self.fault = fault
        self.undo = undo
        self.ntpServices = ntpServices
        self.interface = interface
    }

    /// A fresh random id.
    public static func newID() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16).leftPadded(to: 16)
    }
}

/// The shell commands that keep the journal `<baseDirectory>/faultline-heal.journal` on a host,
/// one JSON object per line.
public enum HealJournal {
    public static let fileName = "faultline-heal.journal"

    public static func path(_ baseDirectory: String) -> String { baseDirectory + "/" + fileName }

    /// Appends `entry` (creating the base directory if needed).
    public static func appendCommand(_ entry: HealJournalEntry, baseDirectory: String) -> String {
        "mkdir -p -- \(ShellQuote.quote(baseDirectory)) && printf '%s\\n' \(ShellQuote.quote(line(entry))) >> \(ShellQuote.quote(path(baseDirectory)))"
    }

    /// Removes the entry with `id`; succeeds when there is no journal.
    public static func removeCommand(id: String, baseDirectory: String) -> String {
        let file = ShellQuote.quote(path(baseDirectory))
        return "[ ! -f \(file) ] || sed -i \(ShellQuote.quote("/\"id\":\"\(id)\"/d")) \(file)"
    }

    /// Prints the journal (nothing when there is none).
    public static func readCommand(baseDirectory: String) -> String {
        "cat -- \(ShellQuote.quote(path(baseDirectory))) 2>/dev/null || true"
    }

    /// Deletes the journal.
    public static func clearCommand(baseDirectory: String) -> String {
        "rm -f -- \(ShellQuote.quote(path(baseDirectory)))"
    }

    /// The entry as one line of JSON (keys sorted).
    public static func line(_ entry: HealJournalEntry) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(entry)) ?? Data(), as: UTF8.self)
    }

    /// The entries of a journal's text; lines that do not parse (a write cut short) are skipped.
    public static func entries(_ text: String) -> [HealJournalEntry] { read(text).entries }

    /// The entries of a journal's text, and the lines that do not parse (a write cut short by a
    /// crash, a file edited by hand), so a heal can say what it could not read.
    public static func read(_ text: String) -> (entries: [HealJournalEntry], unreadable: [String]) {
        var entries: [HealJournalEntry] = [], unreadable: [String] = []
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            if let entry = try? JSONDecoder().decode(HealJournalEntry.self, from: Data(line.utf8)) {
                entries.append(entry)
            } else {
                unreadable.append(String(line))
            }
        }
        return (entries, unreadable)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
