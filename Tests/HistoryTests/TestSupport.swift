import Foundation
import History

/// The error `body` throws, or nil if it returns.
func thrownError<T>(_ body: () throws(HistoryError) -> T) -> HistoryError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A fresh empty directory under the system's temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "faultline-history-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String, contents: String) throws -> String {
        let p = path + "/" + name
        try Data(contents.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    func contents(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)), as: UTF8.self)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
