import Foundation
import RemoteCore

/// A `Codable` record kept as one pretty-printed JSON file (keys sorted, so two writes of the
/// same value give the same bytes), written atomically: `manifest.json`, `sweep.json`.
public enum JSONFile {
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try AtomicFile.write(data, to: path)
    }

    public static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
