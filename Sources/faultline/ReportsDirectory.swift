import Foundation

/// Refuses (exit 254, naming the option) a `--reports` that is a file or a directory Faultline
/// cannot write in, before anything runs; a missing one is made when the first run is stored.
func requireReportsDirectory(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        // Made later: what is above it must be a directory.
        var above = (path as NSString).deletingLastPathComponent
        while !above.isEmpty, above != "/", !FileManager.default.fileExists(atPath: above) {
            above = (above as NSString).deletingLastPathComponent
        }
        if !above.isEmpty, FileManager.default.fileExists(atPath: above, isDirectory: &isDirectory), !isDirectory.boolValue {
            printError("faultline: --reports \(path): \(above) is a file; expected a directory to store runs in")
            throw FaultlineExit.badInput
        }
        return
    }
    guard isDirectory.boolValue else {
        printError("faultline: --reports \(path): it is a file; expected a directory to store runs in")
        throw FaultlineExit.badInput
    }
    guard FileManager.default.isWritableFile(atPath: path) else {
        printError("faultline: --reports \(path): cannot write in it (permission denied)")
        throw FaultlineExit.badInput
    }
}

/// An error of the file system in plain words: the system's reason (`Not a directory`) rather
/// than Foundation's domain and code.
func describe(_ error: any Error) -> String {
    let ns = error as NSError
    if let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(posix.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    return ns.localizedFailureReason ?? ns.localizedDescription
}
