import Foundation

/// Reading a file a person wrote (spec, inventory, sweep) as text, with the reason when it
/// cannot be: a missing file, a directory, no permission, or bytes that are not UTF-8.
public enum InputFileText {
    /// The text of the file at `path`; `what` names the kind of file in errors (`spec file`).
    /// Throws an `InputFileError` with the system's reason, or with the line of the first byte
    /// that is not UTF-8 (such text would be read with replacement characters).
    public static func read(path: String, what: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputFileError(file: path, line: nil, message: "cannot read the \(what): no such file")
        }
        if isDirectory.boolValue {
            throw InputFileError(file: path, line: nil, message: "cannot read the \(what): it is a directory, expected a file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.isReadableFile(atPath: path) ? "it could not be read" : "permission denied"
            throw InputFileError(file: path, line: nil, message: "cannot read the \(what): \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputFileError(file: path, line: firstLineNotUTF8(data), message: "the \(what) is not UTF-8 text")
        }
        return text
    }

    /// The line (from 1) of the first line of `data` that is not valid UTF-8 on its own.
    private static func firstLineNotUTF8(_ data: Data) -> Int {
        var line = 1
        for piece in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(data: Data(piece), encoding: .utf8) == nil { return line }
            line += 1
        }
        return line
    }
}
