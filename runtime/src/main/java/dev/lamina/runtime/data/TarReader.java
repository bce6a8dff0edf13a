package dev.lamina.runtime.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of (uncompressed) tar streams, enough for npm package tarballs: POSIX ustar headers
 * with name prefixes, GNU long names ({@code L}) and pax {@code path} records ({@code x}). Format:
 * POSIX.1-2001 {@code pax}/ustar, IEEE Std 1003.1, "pax - portable archive interchange".
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** Receives each regular file; {@code content} yields exactly {@code size} bytes. */
    interface EntryHandler {
        void onFile(String name, long size, InputStream content) throws IOException;
    }

    private TarReader() {}

    /**
     * Calls {@code handler} for every regular file in the archive, in order.
     *
     * @throws IOException if the archive is truncated or a header is malformed
     */
    static void read(InputStream in, EntryHandler handler) throws IOException {
        byte[] header = new byte[BLOCK];
        String nextName = null;
        while (true) {
            int n = in.readNBytes(header, 0, BLOCK);
            if (n == 0) {
                return; // tolerate a missing end-of-archive marker
            }
            if (n < BLOCK) {
                throw new EOFException("tar archive ends inside a header block");
            }
            if (isZero(header)) {
                return;
            }
            String name = nextName != null ? nextName : headerName(header);
            nextName = null;
            long size = parseNumber(header, 124, 12);
            byte type = header[156];
            BoundedInputStream content = new BoundedInputStream(in, size);
            switch (type) {
                case 'L' -> nextName = trimNul(new String(content.readAllBytes(), StandardCharsets.UTF_8));
                case 'x' -> nextName = paxPath(new String(content.readAllBytes(), StandardCharsets.UTF_8));
                case '0', 0, '7' -> handler.onFile(name, size, content);
                default -> { } // directories, links, global pax headers: nothing to extract
            }
            content.skipRest();
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK); // entries are padded to whole blocks
        }
    }

    private static String headerName(byte[] header) {
        String name = field(header, 0, 100);
        boolean ustar = field(header, 257, 6).startsWith("ustar");
        String prefix = ustar ? field(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Octal ASCII, or base-256 when the first byte's high bit is set (GNU extension for large sizes). */
    private static long parseNumber(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String text = field(header, offset, length).trim();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new IOException("malformed tar header: size field '" + text + "'", e);
        }
    }

    /** The {@code path} value of pax extended-header records {@code "<len> path=<value>\n"}, or null. */
    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String trimNul(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads at most {@code remaining} bytes of the underlying stream; close() leaves it open. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("tar archive ends inside an entry");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("tar archive ends inside an entry");
            }
            remaining -= n;
            return n;
        }

        void skipRest() throws IOException {
            in.skipNBytes(remaining);
            remaining = 0;
        }

        @Override
        public void close() {}
    }
}
