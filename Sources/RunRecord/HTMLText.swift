// The RunRecord target: what a run directory holds (results.json, the store, the reproduce command), below every rendering.

/// Text made safe to put in HTML (element content and quoted attributes), for every page
/// Faultline writes (`report.html`, `index.html`, `compare.html`, `trends.html`).
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
