import Nemesis
import Testing

@Suite struct CommandTests {
    @Test func partitionsNeverDropTheController() throws {
        #expect(throws: Firewall.Refusal.self) {
            try Firewall.dropCommands(from: ["10.0.0.2", "10.0.0.254"], controller: ["10.0.0.254"])
        }
        let commands = try Firewall.dropCommands(from: ["10.0.0.2"], controller: ["10.0.0.254"])
        #expect(commands.contains("-A FAULTLINE -s 10.0.0.2 -j DROP"))
        #expect(!commands.contains("-F") && !commands.contains("INPUT -j DROP"))
    }

    @Test func lossExemptsTheControllerFirst() throws {
        let commands = Firewall.lossCommands(probability: 0.3, controller: ["10.0.0.254"])
        let keep = try #require(commands.range(of: "-s 10.0.0.254 -j RETURN"))
        let drop = try #require(commands.range(of: "--probability 0.3000 -j DROP"))
        #expect(keep.lowerBound < drop.lowerBound)
    }

    @Test func listingsParse() {
        let listing = "-N FAULTLINE\n-A FAULTLINE -s 10.0.0.2/32 -j DROP\n-A FAULTLINE -s 10.0.0.3/32 -j DROP\n"
        #expect(Firewall.droppedSources(in: listing) == ["10.0.0.2", "10.0.0.3"])
        #expect(Firewall.rules(in: "-N FAULTLINE\n").isEmpty)
    }

    @Test func journalLinesRoundTrip() {
        let entry = HealJournalEntry(id: HealJournalEntry.newID(), fault: "pause", undo: [.resume, .firewall], interface: "eth0")
        let line = HealJournal.line(entry)
        #expect(!line.contains("\n") && entry.id.count == 16)
        #expect(HealJournal.entries(line + "\n{broken\n" + line) == [entry, entry])
        #expect(HealJournal.removeCommand(id: entry.id, baseDirectory: "/b").contains("\"id\":\"\(entry.id)\""))
    }

    @Test func clockOffsetsAgainstTheMidpoint() {
        #expect(ClockControl.offset(hostNanoseconds: 1_030_000_000, sent: 0, received: 60_000_000) == .milliseconds(1000))
        #expect(ClockControl.bumpCommand(by: .seconds(-2)).contains("(-2000000000)"))
    }
}
