/// What the inbox scan knows of a path from earlier runs.
public struct InboxStat: Sendable, Hashable {
    public var size: Int64
    public var mtime: Double
    public var ctime: Double?
    public var inode: Int64?
    public init(size: Int64, mtime: Double, ctime: Double?, inode: Int64?) {
        self.size = size
        self.mtime = mtime
        self.ctime = ctime
        self.inode = inode
    }
}
