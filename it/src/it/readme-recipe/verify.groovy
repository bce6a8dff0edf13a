// Runs after the build of this fresh project; a failed assert fails the integration test.
import java.util.zip.ZipFile
import javax.xml.parsers.DocumentBuilderFactory

File buildLog = new File(basedir, 'build.log')
String log = buildLog.text

// The processor ran and wrote its class where IDEs look for generated sources.
File generated = new File(basedir, 'target/generated-sources/annotations/com/example/LaminaTinyNet.java')
assert generated.isFile() : "no generated class at $generated"
assert generated.text.contains('public final class LaminaTinyNet extends GeneratedModel implements TinyNet') : 'unexpected generated class'
assert new File(basedir, 'target/classes/com/example/LaminaTinyNet.class').isFile() : 'generated class not compiled'

// Main ran a forward pass through the generated class (it throws on a wrong shape or value).
assert log.contains('readme-recipe: forward pass gave logits [5, 3]') : 'Main did not run the forward pass'
// A clean model compiles without a single Lamina diagnostic.
assert !log.contains('[Lamina') : 'unexpected Lamina diagnostics in build.log'

// The installed processor bundles JavaPoet under its own package and depends on nothing (it names the DSL's types).
File processorDir = new File(localRepositoryPath, 'dev/lamina/lamina-processor/0.1.0-SNAPSHOT')
File processorPom = new File(processorDir, 'lamina-processor-0.1.0-SNAPSHOT.pom')
def pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(processorPom)
def dependencyNodes = pom.getElementsByTagName('dependency')
def dependencies = (0..<dependencyNodes.length).collect { dependencyNodes.item(it) }
        .collect { node ->
            def child = { String tag -> node.getElementsByTagName(tag).item(0)?.textContent ?: '' }
            [id: child('groupId') + ':' + child('artifactId'), scope: child('scope')]
        }
        .findAll { it.scope in ['', 'compile', 'runtime'] }
        .collect { it.id }
assert dependencies.isEmpty() : "the processor's pom pulls $dependencies"

new ZipFile(new File(processorDir, 'lamina-processor-0.1.0-SNAPSHOT.jar')).withCloseable { jar ->
    def names = jar.entries().collect { it.name }
    def foreign = names.findAll { it.endsWith('.class') && !it.startsWith('dev/lamina/processor/') }
    assert foreign.isEmpty() : "classes outside dev/lamina/processor: ${foreign.take(5)}"
    assert names.any { it.startsWith('dev/lamina/processor/shaded/com/palantir/javapoet/') } : 'JavaPoet not bundled'
    assert names.contains('META-INF/services/javax.annotation.processing.Processor') : 'no service entry'
    assert jar.getInputStream(jar.getEntry('META-INF/gradle/incremental.annotation.processors')).text
            .trim() == 'dev.lamina.processor.LaminaProcessor,isolating' : 'Gradle incremental processor entry'
}
return true
