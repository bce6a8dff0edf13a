// Compiles the model the way plain javac, Bazel and ECJ users do: only the processor jar on the
// processor path, lamina-dsl and the runtime on the class path. Fails on the first unexpected result.
File target = new File(basedir, 'target')
String cp = new File(target, 'classpath.txt').text.trim()
String processor = new File(target, 'tools/lamina-processor.jar').path
String ecj = new File(target, 'tools/ecj.jar').path
String dslJar = cp.split(File.pathSeparator).find { it.contains('lamina-dsl') }
String javaHome = System.getProperty('java.home')
List<String> sources = new File(basedir, 'src/main/java/com/example').listFiles()*.path.sort()

/** Runs a command; returns [exit code, output (stdout and stderr)]. */
def run = { List<String> command ->
    Process p = new ProcessBuilder(command.collect { it.toString() }).redirectErrorStream(true).start()
    String out = p.inputStream.text
    [p.waitFor(), out]
}
def generated = { File dir -> new File(dir, 'com/example/LaminaTinyNet.java') }

// 1. javac, the processor jar alone on -processorpath (this crashed with NoClassDefFoundError: dev/lamina/dsl/Sequential).
File javacOut = new File(target, 'javac/classes'), javacGen = new File(target, 'javac/generated')
[javacOut, javacGen]*.mkdirs()
def (rc, log) = run(["$javaHome/bin/javac", '-processorpath', processor, '-cp', cp,
        '-d', javacOut.path, '-s', javacGen.path] + sources)
assert rc == 0 : "javac with the processor jar alone failed:\n$log"
assert !log.contains('Lamina') && !log.contains('NoClassDefFoundError') : "unexpected javac output:\n$log"
assert generated(javacGen).text.contains('public final class LaminaTinyNet extends GeneratedModel implements TinyNet')
(rc, log) = run(["$javaHome/bin/java", '-cp', javacOut.path + File.pathSeparator + cp, 'com.example.Main'])
assert rc == 0 && log.contains('processor-path-only: forward pass gave logits [5, 3]') : "Main failed:\n$log"

// 2. The DSL also on the processor path changes nothing.
File bothGen = new File(target, 'javac-dsl-too/generated'), bothOut = new File(target, 'javac-dsl-too/classes')
[bothOut, bothGen]*.mkdirs()
(rc, log) = run(["$javaHome/bin/javac", '-processorpath', processor + File.pathSeparator + dslJar, '-cp', cp,
        '-d', bothOut.path, '-s', bothGen.path] + sources)
assert rc == 0 && !log.contains('Lamina') : "javac with the DSL also on the processor path:\n$log"
assert generated(bothGen).text == generated(javacGen).text

// 3. ECJ from Maven Central. -cp must come before -processorpath: ECJ ignores a processor path given
//    first (Eclipse bug 573833, worked around the same way in plexus-compiler-eclipse 2.14.3).
def ecjCompile = { List<String> files, File out, File gen, String classPath ->
    [out, gen]*.mkdirs()
    run(["$javaHome/bin/java", '-jar', ecj, '-17', '-cp', classPath, '-processorpath', processor,
         '-d', out.path, '-s', gen.path] + files)
}
File ecjOut = new File(target, 'ecj/classes'), ecjGen = new File(target, 'ecj/generated')
def (ecjRc, ecjLog) = ecjCompile(sources, ecjOut, ecjGen, cp)
assert ecjRc == 0 && !ecjLog.contains('Lamina') : "fresh ECJ build:\n$ecjLog"
assert generated(ecjGen).text == generated(javacGen).text : 'ECJ and javac generate different sources'
(rc, log) = run(["$javaHome/bin/java", '-cp', ecjOut.path + File.pathSeparator + cp, 'com.example.Main'])
assert rc == 0 && log.contains('forward pass gave logits [5, 3]') : "Main compiled by ECJ failed:\n$log"

// 4. ECJ, incremental rebuild after an edit (3 to 5 classes) into the same output and generated-source
//    directories: the source is regenerated, the diagnostics are those of a fresh build of the edit.
File edited = new File(target, 'ecj-edit/src/com/example')
edited.mkdirs()
sources.each { new File(edited, new File(it).name).text = new File(it).text }
File tiny = new File(edited, 'TinyNet.java')
tiny.text = tiny.text.replace('@Dense(3) Layer logits();', '@Dense(5) Layer logits();')
assert tiny.text.contains('@Dense(5)')
List<String> editedSources = edited.listFiles()*.path.sort() - [new File(edited, 'Main.java').path]
(rc, log) = ecjCompile(editedSources, ecjOut, ecjGen, cp)
assert rc == 0 && log == ecjLog : "incremental ECJ rebuild:\n$log"
File freshGen = new File(target, 'ecj-edit/fresh-generated')
def (freshRc, freshLog) = ecjCompile(editedSources, new File(target, 'ecj-edit/fresh-classes'), freshGen, cp)
assert freshRc == rc && freshLog == log
assert generated(ecjGen).text == generated(freshGen).text : 'the rebuild left a stale generated source'
assert generated(ecjGen).text.contains('[36, 5]') : 'the edit is not in the generated source'

// 5. ECJ, rebuild with the earlier output on the class path. ECJ refuses to create a source file for a
//    type it can already see (BatchFilerImpl.createSourceFile: getTypeElement(name) != null, still in
//    the newest ECJ; eclipse-jdt/eclipse.jdt.core#1482), so it cannot regenerate; it would compile
//    against the stale class. The build must fail with one Lamina error that names the fix, and
//    must not touch the generated source.
String before = generated(ecjGen).text
(rc, log) = ecjCompile(sources, ecjOut, ecjGen, ecjOut.path + File.pathSeparator + cp)
assert rc != 0 : "ECJ rebuilt over its own output on the class path (has #1482 been fixed? update the README):\n$log"
assert log.contains('1 problem (1 error)') && log.count('[Lamina') == 1 : "expected one Lamina error:\n$log"
assert log.contains('[Lamina/WriteFailed] could not write the generated class com.example.LaminaTinyNet: ECJ does'
        + ' not regenerate a class that is already on the class path') : log
assert log.contains('Remove the earlier output and generated-source directories from -cp and -sourcepath') : log
assert generated(ecjGen).text == before
// The fix the message names: the same rebuild without the earlier output on the class path.
(rc, log) = ecjCompile(sources, ecjOut, ecjGen, cp)
assert rc == 0 && log == ecjLog : "ECJ rebuild without the old output on the class path:\n$log"
assert generated(ecjGen).text == generated(javacGen).text
return true
