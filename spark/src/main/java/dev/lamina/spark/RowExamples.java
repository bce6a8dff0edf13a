package dev.lamina.spark;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Reads model inputs out of Spark SQL rows: a features column of {@code array<float>},
 * {@code array<double>} or a Spark ML vector ({@code org.apache.spark.ml.linalg.Vector}, dense or
 * sparse), and for training a numeric label column holding class indices.
 */
public final class RowExamples {
    private RowExamples() {}

    /** The Spark ML vector type's name; read by reflection, so this module does not need spark-mllib. */
    static final String VECTOR_UDT = "org.apache.spark.ml.linalg.VectorUDT";

    /**
     * The labelled examples of {@code rows}, partitioned as they are.
     *
     * @param rows        the rows
     * @param featuresCol the features column (see the class documentation)
     * @param labelCol    a numeric column of class indices {@code 0, 1, ...}; fractional values are refused
     * @return one {@link Example} per row, computed lazily
     * @throws IllegalArgumentException if a column is missing or of another type, naming the column and
     *     the types found and accepted; a non-integral or negative label fails the task that meets it,
     *     naming the value
     */
    public static JavaRDD<Example> of(org.apache.spark.sql.Dataset<Row> rows, String featuresCol, String labelCol) {
        StructType schema = rows.schema();
        int features = featuresIndex(schema, featuresCol);
        int label = fieldIndex(schema, labelCol);
        if (!(schema.fields()[label].dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + labelCol + "' is "
                    + schema.fields()[label].dataType().simpleString() + "; it must be numeric (class indices)");
        }
        return rows.toJavaRDD().map(row -> new Example(features(row, features), classOf(row, label, labelCol)));
    }

    /**
     * The index of a features column, after checking its type.
     *
     * @throws IllegalArgumentException if it is missing or not an array of float or double nor a vector
     */
    static int featuresIndex(StructType schema, String featuresCol) {
        int index = fieldIndex(schema, featuresCol);
        DataType type = schema.fields()[index].dataType();
        boolean ok = type instanceof ArrayType a
                && (a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType))
                || type instanceof UserDefinedType<?> u && u.getClass().getName().equals(VECTOR_UDT);
        if (!ok) {
            throw new IllegalArgumentException("features column '" + featuresCol + "' is " + type.simpleString()
                    + "; it must be array<float>, array<double> or a Spark ML vector");
        }
        return index;
    }

    private static int fieldIndex(StructType schema, String name) {
        List<String> names = Arrays.stream(schema.fields()).map(StructField::name).toList();
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no column '" + name + "'; the rows have " + names);
        }
        return index;
    }

    /** The features of one row as floats, whatever the column's accepted type. */
    static float[] features(Row row, int index) {
        Object value = row.get(index);
        if (value == null) {
            throw new IllegalArgumentException("row " + row + " has no features (null)");
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            float[] out = new float[seq.size()];
            scala.collection.Iterator<?> it = seq.iterator();
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) it.next()).floatValue();
            }
            return out;
        }
        double[] values = vectorValues(value);
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static double[] vectorValues(Object vector) {
        try {
            Method toArray = vector.getClass().getMethod("toArray");
            return (double[]) toArray.invoke(vector);
        } catch (NoSuchMethodException | IllegalAccessException | ClassCastException e) {
            throw new IllegalArgumentException("features of type " + vector.getClass().getName()
                    + " are not a Spark ML vector", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("reading a Spark ML vector failed", e.getCause());
        }
    }

    private static int classOf(Row row, int index, String labelCol) {
        Object value = row.get(index);
        double label = value == null ? Double.NaN : ((Number) value).doubleValue();
        if (!(label >= 0) || label != Math.rint(label) || label > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("label column '" + labelCol + "' holds " + value
                    + "; labels are class indices 0, 1, ...");
        }
        return (int) label;
    }
}
