// Types of scripts/l10n-messages.mjs for the TypeScript tests that reuse its extraction.
export declare const root: string;
export declare const messageDirs: string[];
export declare const bundlePath: string;
export declare function sourceFiles(dirs?: string[]): string[];
export declare function readStringLiteral(text: string, start: number): { value: string; end: number } | null;
export declare function messageCalls(text: string): { message: string | null; line: number }[];
export declare function collectMessages(files?: string[]): { messages: Map<string, string>; problems: string[] };
export declare function englishBundle(messages: Map<string, string>): Record<string, string>;
