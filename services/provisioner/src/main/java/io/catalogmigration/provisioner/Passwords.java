package io.catalogmigration.provisioner;

import java.security.SecureRandom;

/**
 * Generated passwords: letters and digits only (like the runbook's), so they survive shells, URLs and
 * configuration files unquoted; 32 of them give about 190 bits.
 */
final class Passwords {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    static String generate() {
        var password = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    private Passwords() {
    }
}
