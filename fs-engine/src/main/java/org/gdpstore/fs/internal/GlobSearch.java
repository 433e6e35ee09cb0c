package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsPaths;

/** TensorFlow's GetMatchingPaths over a {@link View}, component by component. Stateless. */
public final class GlobSearch {
  private GlobSearch() {}

  /** The paths matching {@code pattern} in {@code v}, sorted. */
  public static List<String> matchingPaths(View v, String pattern) throws FsException {
    if (pattern.isEmpty()) {
      return List.of(); // TensorFlow: OK, nothing matches the empty pattern
    }
    if (pattern.indexOf('\0') >= 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, pattern, "pattern contains NUL");
    }
    List<String> comps = Glob.components(FsPaths.stripScheme(pattern));
    for (String c : comps) {
      try {
        Glob.validate(c);
      } catch (IllegalArgumentException e) {
        throw new FsException(FsCode.INVALID_ARGUMENT, pattern, e.getMessage());
      }
    }
    List<String> current = List.of("/");
    for (String comp : comps) {
      List<String> next = new ArrayList<>();
      for (String dir : current) {
        DirEntry de = v.get(dir);
        if (de == null || !de.isDir()) {
          continue;
        }
        if (!Glob.hasWildcard(comp)) {
          String name = Glob.unescape(comp);
          if (name.equals(".")) {
            next.add(dir);
            continue;
          }
          if (name.equals("..")) {
            next.add(FsPaths.dirname(dir));
            continue;
          }
          String child = dir.equals("/") ? "/" + name : dir + "/" + name;
          if (v.get(child) != null) {
            next.add(child);
          }
        } else {
          for (String name : v.childNames(dir, Integer.MAX_VALUE)) {
            if (Glob.matches(comp, name)) {
              next.add(dir.equals("/") ? "/" + name : dir + "/" + name);
            }
          }
        }
      }
      current = next;
    }
    return new ArrayList<>(new TreeSet<>(current));
  }
}
