// The RemoteCore target: the Remote protocol, shell quoting, atomic files, transfers and the transcript, without libssh2.

import Foundation

/// Writes files atomically through a temporary file of a name Faultline recognises
/// (`.<name>.faultline-tmp`) in the same directory, then `rename`: a controller killed half way
/// leaves either the old file or the new one, and at most that temporary file, which
/// `removeStaleTemporaries` deletes later. (Foundation's `.atomic` leaves `.dat.nosync…` files.)
public enum AtomicFile {
    public static let temporarySuffix = ".faultline-tmp"

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + temporarySuffix)
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw AtomicFileError(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error.localizedDescription)")
        }
    }

    /// Whether `name` is one of these temporary files.
    public static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(temporarySuffix)
    }

    /// Deletes the temporary files an earlier, killed write left in `directory`; returns their names.
    @discardableResult
    public static func removeStaleTemporaries(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter(isTemporary).filter {
            (try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent($0))) != nil
        }
    }
}

/// A file that could not be written, in plain words.
public struct AtomicFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot be written: \(reason)" }
}
