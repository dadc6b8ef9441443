import FazhiModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists files with opendir/readdir: Foundation's directory enumerator made half of a no-change build's time on
/// 5,000 reports (a URL and several string copies per entry). Each folder is opened relative to its parent's
/// descriptor and each link looked at relative to its folder's, so the kernel never walks a whole path again
/// (a site has a folder per report).
enum FileWalk {
    /// Regular files under `root` (and links to regular files), relative to it, in no particular order. Links to
    /// folders are not followed; with `skipHidden`, names starting with "." (files and folders) are left out;
    /// the top-level folder named `except` is not entered.
    ///
    /// With `changedSince` (ns since 1970), only folders whose status changed since then are read for files: a
    /// folder that has not changed has had no entry added or removed. One without sub-folders (a link count of 2)
    /// is then not even opened, so a site's thousands of one-page folders cost a `stat` each.
    static func files(under root: String, skipHidden: Bool, except: String? = nil, changedSince: Int64? = nil) -> [String] {
        var out: [String] = []
        func walk(_ fd: Int32, _ rel: String, listFiles: Bool) {
            guard let d = fdopendir(fd) else { close(fd); return }
            defer { closedir(d) }
            let dfd = dirfd(d)
            while let entry = readdir(d) {
                let name = FileText.entryName(entry)
                if name == "." || name == ".." || (skipHidden && name.hasPrefix(".")) { continue }
                if rel.isEmpty, let except, name == except { continue }
                let relative = rel.isEmpty ? name : rel + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var st = stat()
                    guard fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                    type = (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (st.st_mode & S_IFMT) == S_IFLNK ? UInt8(DT_LNK) : UInt8(DT_REG)
                }
                switch type {
                case UInt8(DT_DIR):
                    var changed = true
                    if let since = changedSince {
                        var st = stat()
                        guard fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                        changed = FileText.statusTime(st) >= since
                        if !changed, st.st_nlink == 2 { continue }
                    }
                    let sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    if sub >= 0 { walk(sub, relative, listFiles: changed) }
                case UInt8(DT_REG): if listFiles { out.append(relative) }
                case UInt8(DT_LNK):
                    guard listFiles else { continue }
                    var st = stat()
                    if fstatat(dfd, name, &st, 0) == 0, (st.st_mode & S_IFMT) == S_IFREG { out.append(relative) }
                default: continue
                }
            }
        }
        let top = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        let fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return out }
        var changed = true
        if let since = changedSince {
            var st = stat()
            changed = fstat(fd, &st) != 0 || FileText.statusTime(st) >= since
        }
        walk(fd, "", listFiles: changed)
        return out
    }
}
