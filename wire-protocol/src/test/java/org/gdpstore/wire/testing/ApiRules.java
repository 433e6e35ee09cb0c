package org.gdpstore.wire.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one package rule of every module, checked on its compiled classes (reflection for
 * signatures, the class files' constant pools for dependencies): the root package
 * {@code org.gdpstore.M} (plus any named extra API packages) is the API and
 * {@code org.gdpstore.M.internal} the rest; no internal type appears in a public signature of an
 * API type; nothing uses another module's internal package. Each module's ApiBoundaryTest asserts
 * the three lists are empty.
 */
public final class ApiRules {
  private static final Pattern OTHER_INTERNAL = Pattern.compile("org/gdpstore/([a-z]+)/internal/");
  /** The package of a class named in a constant (binary name, descriptor or signature). */
  private static final Pattern CLASS_PACKAGE = Pattern.compile("(org/gdpstore(?:/[a-z][a-z0-9_]*)+)/[A-Z]");

  private final Class<?> anchor;
  private final String api;
  private final String module;
  private final List<String> extraApi;

  /**
   * @param anchor a main class of the module (it locates the module's classes)
   * @param extraApi further API packages beside the root one (e.g. a JUnit extension package)
   */
  public ApiRules(Class<?> anchor, String... extraApi) {
    this.anchor = anchor;
    String p = anchor.getPackageName();
    int cut = p.indexOf('.', "org.gdpstore.".length());
    this.api = cut < 0 ? p : p.substring(0, cut);
    this.module = api.substring("org.gdpstore.".length());
    this.extraApi = List.of(extraApi);
  }

  /** Whether a type is not part of an API: an {@code internal} package, or a non-API package of this module. */
  boolean isInternal(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    String p = c.getPackageName();
    return p.startsWith("org.gdpstore.") && (p.contains(".internal")
        || (p.startsWith(api + ".") && !extraApi.contains(p)));
  }

  /** Every main class of the module, by binary name. */
  public List<String> mainClasses() throws Exception {
    Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
        String rel = root.relativize(f).toString().replace('\\', '/');
        out.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'));
      });
    }
    if (!out.contains(anchor.getName())) {
      throw new IllegalStateException(anchor + " not found below " + root);
    }
    return out;
  }

  /** Classes outside the API packages and {@code internal} (and its sub-packages). */
  public List<String> misplacedClasses() throws Exception {
    List<String> misplaced = new ArrayList<>();
    for (String name : mainClasses()) {
      int dot = name.lastIndexOf('.');
      String pkg = dot < 0 ? "" : name.substring(0, dot);
      if (!pkg.equals(api) && !extraApi.contains(pkg) && !pkg.equals(api + ".internal")
          && !pkg.startsWith(api + ".internal.")) {
        misplaced.add(name);
      }
    }
    return misplaced;
  }

  /** Internal types named by public signatures of the API packages' types. */
  public List<String> signatureViolations() throws Exception {
    List<String> violations = new ArrayList<>();
    for (String name : mainClasses()) {
      Class<?> c = Class.forName(name, false, anchor.getClassLoader());
      if (c.getPackageName().equals(api) || extraApi.contains(c.getPackageName())) {
        violations.addAll(signatureViolations(c));
      }
    }
    return violations;
  }

  /** Uses of another module's internal package, as "class uses package". */
  public List<String> foreignInternalUses() throws Exception {
    List<String> violations = new ArrayList<>();
    for (String name : mainClasses()) {
      for (String used : otherModulesInternals(name)) {
        violations.add(name + " uses " + used);
      }
    }
    return violations;
  }

  /**
   * Pairs of this module's packages that depend on each other (directly or through others of its
   * packages), as "a <-> b": a package cycle means neither can be understood or changed alone.
   */
  public List<String> packageCycles() throws Exception {
    Map<String, Set<String>> deps = new TreeMap<>();
    for (String name : mainClasses()) {
      int dot = name.lastIndexOf('.');
      String pkg = dot < 0 ? "" : name.substring(0, dot);
      Set<String> uses = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
      for (String s : constantPoolStrings(name)) {
        Matcher m = CLASS_PACKAGE.matcher(s);
        while (m.find()) {
          String used = m.group(1).replace('/', '.');
          if (!used.equals(pkg) && (used.equals(api) || used.startsWith(api + "."))) {
            uses.add(used);
          }
        }
      }
    }
    List<String> cycles = new ArrayList<>();
    for (String a : deps.keySet()) {
      for (String b : deps.keySet()) {
        if (a.compareTo(b) < 0 && reaches(deps, a, b) && reaches(deps, b, a)) {
          cycles.add(a + " <-> " + b);
        }
      }
    }
    return cycles;
  }

  /** The JDK packages whose public types no gdpstore type may share a simple name with. */
  static final List<String> JDK_PACKAGES = List.of("java.lang", "java.io", "java.nio.file", "java.util");

  /**
   * Top-level main classes of this module whose simple name is also the name of another top-level
   * main class, of this module or of another gdpstore module on the class path, or of a public type
   * of {@link #JDK_PACKAGES}: as "org.gdpstore.x.Foo clashes with java.io.Foo". Two types of one
   * name make every reader (and every import) ask which one is meant.
   */
  public List<String> nameClashes() throws Exception {
    Map<String, Set<String>> byName = new TreeMap<>();
    Set<String> mine = new TreeSet<>();
    for (String name : mainClasses()) {
      if (!name.contains("$") && !name.endsWith(".package-info") && !name.endsWith(".module-info")) {
        mine.add(name);
      }
    }
    Set<String> all = new TreeSet<>(mine);
    all.addAll(otherModulesMainClasses());
    for (String name : all) {
      byName.computeIfAbsent(simpleName(name), k -> new TreeSet<>()).add(name);
    }
    List<String> clashes = new ArrayList<>();
    for (String name : mine) {
      String simple = simpleName(name);
      for (String other : byName.get(simple)) {
        if (!other.equals(name)) {
          clashes.add(name + " clashes with " + other);
        }
      }
      for (String pkg : JDK_PACKAGES) {
        try {
          Class<?> jdk = Class.forName(pkg + "." + simple, false, ClassLoader.getPlatformClassLoader());
          if (Modifier.isPublic(jdk.getModifiers())) {
            clashes.add(name + " clashes with " + jdk.getName());
          }
        } catch (ClassNotFoundException e) {
          // no such JDK type: fine
        }
      }
    }
    return clashes;
  }

  private static String simpleName(String binaryName) {
    return binaryName.substring(binaryName.lastIndexOf('.') + 1);
  }

  /**
   * Top-level main (not test) classes of the other gdpstore modules: those this module's class
   * loader sees (reactor {@code target/classes} directories or module jars, never test classes or
   * test jars) and, in a reactor build, those of every sibling module compiled already (modules
   * that do not depend on each other, such as cli and nio, must not clash either).
   */
  private Set<String> otherModulesMainClasses() throws Exception {
    Set<String> out = new TreeSet<>();
    Path classes = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path reactor = classes.getParent() == null || classes.getParent().getParent() == null ? null
        : classes.getParent().getParent().getParent(); // <reactor>/<module>/target/classes
    if (Files.isDirectory(classes) && reactor != null && Files.isRegularFile(reactor.resolve("pom.xml"))) {
      try (Stream<Path> modules = Files.list(reactor)) {
        for (Path m : modules.toList()) {
          Path root = m.resolve("target").resolve("classes");
          if (Files.isDirectory(root.resolve("org").resolve("gdpstore"))) {
            try (Stream<Path> s = Files.walk(root)) {
              s.filter(f -> f.toString().endsWith(".class")).forEach(f ->
                  addTopLevel(root.relativize(f).toString().replace('\\', '/'), out));
            }
          }
        }
      }
    }
    java.util.Enumeration<java.net.URL> roots = anchor.getClassLoader().getResources("org/gdpstore/");
    while (roots.hasMoreElements()) {
      java.net.URL url = roots.nextElement();
      String where = url.toString();
      if (where.contains("/test-classes/") || where.contains("-tests.jar!")) {
        continue;
      }
      if (url.getProtocol().equals("file")) {
        Path dir = Path.of(url.toURI()).getParent().getParent(); // the class-path root
        try (Stream<Path> s = Files.walk(dir)) {
          s.filter(f -> f.toString().endsWith(".class")).forEach(f ->
              addTopLevel(dir.relativize(f).toString().replace('\\', '/'), out));
        }
      } else if (url.getProtocol().equals("jar")) {
        java.net.JarURLConnection jar = (java.net.JarURLConnection) url.openConnection();
        jar.setUseCaches(false);
        try (java.util.jar.JarFile file = jar.getJarFile()) {
          file.stream().forEach(e -> addTopLevel(e.getName(), out));
        }
      }
    }
    out.removeIf(n -> n.startsWith(api + "."));
    return out;
  }

  private static void addTopLevel(String path, Set<String> out) {
    if (path.startsWith("org/gdpstore/") && path.endsWith(".class") && !path.contains("$")
        && !path.endsWith("package-info.class") && !path.endsWith("module-info.class")) {
      out.add(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
    }
  }

  private static boolean reaches(Map<String, Set<String>> deps, String from, String to) {
    Set<String> seen = new TreeSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      for (String next : deps.getOrDefault(todo.poll(), Set.of())) {
        if (next.equals(to)) {
          return true;
        }
        if (seen.add(next)) {
          todo.add(next);
        }
      }
    }
    return false;
  }

  /** Public and protected members (and supertypes) of a public API type that name internal types. */
  public List<String> signatureViolations(Class<?> c) {
    List<String> out = new ArrayList<>();
    if (!Modifier.isPublic(c.getModifiers()) || c.isSynthetic()) {
      return out;
    }
    check(c.getGenericSuperclass(), c.getName() + " extends", out);
    for (Type t : c.getGenericInterfaces()) {
      check(t, c.getName() + " implements", out);
    }
    for (Field f : c.getDeclaredFields()) {
      if (visible(f.getModifiers()) && !f.isSynthetic()) {
        check(f.getGenericType(), c.getName() + "." + f.getName(), out);
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (visible(k.getModifiers()) && !k.isSynthetic()) {
        for (Type t : k.getGenericParameterTypes()) {
          check(t, c.getName() + ".<init>", out);
        }
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        String where = c.getName() + "." + m.getName();
        check(m.getGenericReturnType(), where, out);
        for (Type t : m.getGenericParameterTypes()) {
          check(t, where, out);
        }
        for (Type t : m.getGenericExceptionTypes()) {
          check(t, where, out);
        }
      }
    }
    for (Class<?> nested : c.getDeclaredClasses()) {
      out.addAll(signatureViolations(nested));
    }
    return out;
  }

  private static boolean visible(int mod) {
    return Modifier.isPublic(mod) || Modifier.isProtected(mod);
  }

  private void check(Type t, String where, List<String> out) {
    if (t == null) {
      return;
    }
    if (t instanceof Class<?> k) {
      if (isInternal(k)) {
        out.add(where + " names internal type " + k.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      check(p.getRawType(), where, out);
      for (Type a : p.getActualTypeArguments()) {
        check(a, where, out);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        check(b, where, out);
      }
      for (Type b : w.getLowerBounds()) {
        check(b, where, out);
      }
    } else if (t instanceof GenericArrayType g) {
      check(g.getGenericComponentType(), where, out);
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        check(b, where, out);
      }
    }
  }

  /** The internal packages of other modules named in a class file's constant pool. */
  Set<String> otherModulesInternals(String className) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String s : constantPoolStrings(className)) {
      Matcher m = OTHER_INTERNAL.matcher(s);
      while (m.find()) {
        if (!m.group(1).equals(module)) {
          out.add(m.group().replace('/', '.'));
        }
      }
    }
    return out;
  }

  /** The UTF-8 constants of a class file (class names, descriptors, signatures, strings). */
  private List<String> constantPoolStrings(String className) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream raw = anchor.getClassLoader()
            .getResourceAsStream(className.replace('.', '/') + ".class");
        DataInputStream in = new DataInputStream(raw)) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException(className + " is not a class file");
      }
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      int count = in.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> out.add(in.readUTF());
          case 7, 8, 16, 19, 20 -> in.skipBytes(2);
          case 15 -> in.skipBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
          case 5, 6 -> {
            in.skipBytes(8);
            i++; // takes two slots
          }
          default -> throw new IOException(className + ": unknown constant pool tag " + tag);
        }
      }
    }
    return out;
  }
}
