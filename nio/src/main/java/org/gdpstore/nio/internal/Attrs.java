package org.gdpstore.nio.internal;

import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gdpstore.fs.EntryInfo;
import org.gdpstore.nio.GdpFileAttributes;

/**
 * Attributes of one path version: the basic ones (every time is the modification time, the
 * writer's clock at the commit; gdp keeps no access or creation time) and the gdp ones.
 */
final class Attrs implements GdpFileAttributes {
  private final GdpNioFileSystem fs;
  private final boolean dir;
  private final long size;
  private final long mtimeNanos;
  private final String sha256;
  private final String fileLog;
  private final long recno;

  Attrs(GdpNioFileSystem fs, EntryInfo info) {
    this(fs, info.directory(), info.size(), info.mtimeNanos(), info.sha256(),
        info.fileLog() == null ? null : info.fileLog().printable(), info.changedAt());
  }

  private Attrs(GdpNioFileSystem fs, boolean dir, long size, long mtimeNanos, String sha256, String fileLog,
      long recno) {
    this.fs = fs;
    this.dir = dir;
    this.size = size;
    this.mtimeNanos = mtimeNanos;
    this.sha256 = sha256;
    this.fileLog = fileLog;
    this.recno = recno;
  }

  /** A file being created by an open channel of this instance: no content hash nor log yet. */
  static Attrs creating(GdpNioFileSystem fs, long size, long createdNanos) {
    return new Attrs(fs, false, size, createdNanos, "", null, 0);
  }

  @Override
  public FileTime lastModifiedTime() {
    return FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public FileTime lastAccessTime() {
    return lastModifiedTime();
  }

  @Override
  public FileTime creationTime() {
    return lastModifiedTime();
  }

  @Override
  public boolean isRegularFile() {
    return !dir;
  }

  @Override
  public boolean isDirectory() {
    return dir;
  }

  @Override
  public boolean isSymbolicLink() {
    return false;
  }

  @Override
  public boolean isOther() {
    return false;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Object fileKey() {
    return null;
  }

  @Override
  public long recno() {
    return recno;
  }

  @Override
  public String sha256() {
    return sha256;
  }

  @Override
  public String signer() {
    return fs.signer();
  }

  @Override
  public String fileLog() {
    return fileLog;
  }

  @Override
  public boolean isInline() {
    return !dir && fileLog == null && !sha256.isEmpty();
  }

  /** The attributes of {@code view} ("basic" or "gdp") named in {@code names} ("*" for all). */
  Map<String, Object> asMap(String view, String names) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("lastModifiedTime", lastModifiedTime());
    all.put("lastAccessTime", lastAccessTime());
    all.put("creationTime", creationTime());
    all.put("size", size);
    all.put("isRegularFile", isRegularFile());
    all.put("isDirectory", dir);
    all.put("isSymbolicLink", false);
    all.put("isOther", false);
    all.put("fileKey", null);
    if (view.equals("gdp")) {
      all.put("recno", recno);
      all.put("sha256", sha256);
      all.put("signer", signer());
      all.put("fileLog", fileLog);
      all.put("inline", isInline());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String n : names.split(",")) {
      if (n.equals("*")) {
        out.putAll(all);
      } else if (all.containsKey(n)) {
        out.put(n, all.get(n));
      } else {
        throw new IllegalArgumentException("no attribute '" + n + "' in view '" + view + "'");
      }
    }
    return out;
  }
}
