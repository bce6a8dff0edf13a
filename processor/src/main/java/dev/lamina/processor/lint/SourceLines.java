package dev.lamina.processor.lint;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.Optional;
import java.util.OptionalInt;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Source positions of elements, for line numbers in messages and locations in the SARIF report.
 * Backed by javac's {@link Trees}; under another compiler, or when javac's processing environment
 * is wrapped (as by some build tools), positions are unknown and messages omit the line.
 */
public interface SourceLines {
    /** A file URI with a 1-based line and column. */
    record Position(String uri, int line, int column) {}

    /**
     * The position of {@code value} in {@code annotation} on {@code element}, else of the
     * annotation, else of the element; each argument may be null.
     */
    Optional<Position> position(Element element, AnnotationMirror annotation, AnnotationValue value);

    /** The line of {@code annotation} on {@code element} (or of {@code element}), if known. */
    default OptionalInt line(Element element, AnnotationMirror annotation) {
        return position(element, annotation, null).map(p -> OptionalInt.of(p.line())).orElse(OptionalInt.empty());
    }

    /** Knows no positions; used for IR built by hand. */
    SourceLines NONE = (element, annotation, value) -> Optional.empty();

    /** Positions from javac's trees, or {@link #NONE} when this is not javac. */
    static SourceLines of(ProcessingEnvironment env) {
        try {
            return new JavacSourceLines(Trees.instance(env));
        } catch (RuntimeException | LinkageError notJavac) {
            return NONE;
        }
    }

    /** Reads positions from javac's trees and line maps. */
    final class JavacSourceLines implements SourceLines {
        private final Trees trees;

        JavacSourceLines(Trees trees) {
            this.trees = trees;
        }

        @Override
        public Optional<Position> position(Element element, AnnotationMirror annotation, AnnotationValue value) {
            if (element == null) {
                return Optional.empty();
            }
            try {
                TreePath path = null;
                if (annotation != null && value != null) {
                    path = trees.getPath(element, annotation, value);
                }
                if (path == null && annotation != null) {
                    path = trees.getPath(element, annotation);
                }
                if (path == null) {
                    path = trees.getPath(element);
                }
                if (path == null) {
                    return Optional.empty();
                }
                CompilationUnitTree unit = path.getCompilationUnit();
                SourcePositions positions = trees.getSourcePositions();
                long start = positions.getStartPosition(unit, path.getLeaf());
                if (start < 0 || unit.getLineMap() == null) {
                    return Optional.empty();
                }
                long line = unit.getLineMap().getLineNumber(start);
                // UTF-16 offset in the line, as SARIF counts columns (javac's column expands tabs).
                long column = start - unit.getLineMap().getStartPosition(line) + 1;
                return Optional.of(new Position(unit.getSourceFile().toUri().toString(), (int) line, (int) column));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
