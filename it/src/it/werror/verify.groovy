// Runs after the build of this fresh project; a failed assert fails the integration test.
String log = new File(basedir, 'build.log').text

// The compiler ran as its own process (see the pom), with the processor, and compiled the model.
assert log.contains('[forked debug release 17]') : 'javac did not run forked'
File generated = new File(basedir, 'target/generated-sources/annotations/com/example/LaminaTinyNet.java')
assert generated.isFile() : "no generated class at $generated"
assert new File(basedir, 'target/classes/com/example/LaminaTinyNet.class').isFile() : 'generated class not compiled'

// -Werror already fails the build on a warning; these name the ones seen before, should the flags change.
assert !log.contains('bad path element') : 'a dependency names a missing jar in its Class-Path manifest entry'
assert !log.contains('COMPILATION WARNING') : 'javac warned'
return true
