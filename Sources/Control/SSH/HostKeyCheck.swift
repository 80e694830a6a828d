import CLibSSH2
import Foundation
import Logging
import RemoteCore

/// Checks the key a server offered against an OpenSSH known_hosts file.
struct HostKeyCheck {
    let connection: SSHConnection
    private var config: SSHHostConfig { connection.config }

    /// Returns when the key is known (or newly accepted under `accept-new`); throws
    /// `hostKeyRefused` naming host and SHA256 fingerprint otherwise.
    func verify() throws {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(connection.session, &length, &type) else {
            throw RemoteError(.hostKeyRefused, host: config.label, reason: "server offered no host key")
        }
        let offered = OfferedKey(bytes: UnsafeRawBufferPointer(start: key, count: length), type: type,
                                 fingerprint: fingerprint())
        switch try check(key: key, length: length, type: type) {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            throw RemoteError(.hostKeyRefused, host: config.label, reason:
                "HOST KEY MISMATCH: the server offered \(offered.typeName) key \(offered.fingerprint), "
                + "but \(config.knownHostsFile) holds a different key for \(hostPattern); refused "
                + "(if the host was really re-keyed, remove its line from that file)")
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND where config.hostKeyPolicy == .acceptNew:
            try append(offered)
            SSHLibrary.logger.notice("accepted new host key",
                                     metadata: ["host": "\(config.label)", "fingerprint": "\(offered.fingerprint)"])
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
            throw RemoteError(.hostKeyRefused, host: config.label, reason:
                "host key \(offered.typeName) \(offered.fingerprint) is not in \(config.knownHostsFile) "
                + "(policy strict; use host_key_policy: accept-new to add it on first contact)")
        default:
            throw RemoteError(.hostKeyRefused, host: config.label, reason:
                "could not check host key \(offered.fingerprint): \(connection.lastFailure().message)")
        }
    }

    /// "10.77.0.1", or "[10.77.0.1]:2222" off port 22, as known_hosts writes hosts.
    private var hostPattern: String {
        config.port == 22 ? config.address : "[\(config.address)]:\(config.port)"
    }

    private func check(key: UnsafePointer<CChar>, length: Int, type: Int32) throws -> Int32 {
        guard let hosts = libssh2_knownhost_init(connection.session) else {
            throw RemoteError(.hostKeyRefused, host: config.label, reason: "libssh2_knownhost_init failed")
        }
        defer { libssh2_knownhost_free(hosts) }
        if access(config.knownHostsFile, F_OK) == 0 {
            let rc = libssh2_knownhost_readfile(hosts, config.knownHostsFile, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
            if rc < 0 {
                throw RemoteError(.hostKeyRefused, host: config.label,
                                  reason: "cannot read \(config.knownHostsFile): \(connection.lastFailure(rc).message)")
            }
        }
        let mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | Self.knownHostKeyBits(type)
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        return libssh2_knownhost_checkp(hosts, config.address, Int32(config.port), key, length, mask, &entry)
    }

    /// `ssh-keygen -lf` style: "SHA256:" and the unpadded base64 of the key's SHA-256.
    private func fingerprint() -> String {
        guard let hash = libssh2_hostkey_hash(connection.session, LIBSSH2_HOSTKEY_HASH_SHA256) else {
            return "SHA256:?"
        }
        let data = Data(bytes: hash, count: 32)
        return "SHA256:" + data.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    private func append(_ key: OfferedKey) throws {
        let line = "\(hostPattern) \(key.typeName) \(key.base64)\n"
        let fd = open(config.knownHostsFile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RemoteError(.hostKeyRefused, host: config.label,
                              reason: "cannot add host key to \(config.knownHostsFile): \(errnoText())")
        }
        defer { close(fd) }
        let written = line.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        guard written == line.utf8.count else {
            throw RemoteError(.hostKeyRefused, host: config.label,
                              reason: "cannot add host key to \(config.knownHostsFile): \(errnoText())")
        }
    }

    static func knownHostKeyBits(_ hostKeyType: Int32) -> Int32 {
        switch hostKeyType {
        case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA
        case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521
        case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519
        default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN
        }
    }
}

/// The public host key a server offered (public data: safe to print and store).
private struct OfferedKey {
    var base64: String
    var typeName: String
    var fingerprint: String

    init(bytes: UnsafeRawBufferPointer, type: Int32, fingerprint: String) {
        base64 = Data(bytes).base64EncodedString()
        self.fingerprint = fingerprint
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: typeName = "ssh-rsa"
        case LIBSSH2_HOSTKEY_TYPE_DSS: typeName = "ssh-dss"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: typeName = "ecdsa-sha2-nistp256"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: typeName = "ecdsa-sha2-nistp384"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: typeName = "ecdsa-sha2-nistp521"
        case LIBSSH2_HOSTKEY_TYPE_ED25519: typeName = "ssh-ed25519"
        default: typeName = "unknown"
        }
    }
}
