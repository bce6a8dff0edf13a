// Runs after the (expected) failed build of this fresh project; a failed assert fails the test.
String log = new File(basedir, 'build.log').text

// Where javac must point: the @Dense annotation of the layer that lacks a @Flatten before it.
List<String> lines = new File(basedir, 'src/main/java/com/example/SeedNet.java').readLines()
int line = lines.findIndexOf { it.contains('@Dense(512)') } + 1
int column = lines[line - 1].indexOf('@') + 1
assert line > 0 : 'test source changed'

// The README's example diagnostic, position aside.
def example = new File(readme).readLines().find { it.startsWith('SeedNet.java:[') }
assert example != null : "no example diagnostic in $readme"
String message = example.substring(example.indexOf(']') + 1)

String expected = "/com/example/SeedNet.java:[$line,$column]$message"
assert log.contains(expected) : "build.log lacks: $expected"
// Errors stop generation: no half-written class.
assert !new File(basedir, 'target/generated-sources/annotations/com/example/LaminaSeedNet.java').exists() : 'generated despite the error'
return true
