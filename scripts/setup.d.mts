// Types for the parts of setup.mjs that tests import.
export declare const DEBIAN_PACKAGES: { app: string[]; test: string[] };
export declare const KEYCHAIN_FIX: string;
export declare function ensureDebianPackages(packages: string[]): string[];
export declare function keychainProblem(): string | null;
