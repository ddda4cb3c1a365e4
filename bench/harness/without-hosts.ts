/** Results files never name a mirror's (or any other) host: error texts carry the mirror URI and apt's messages. */
export const withoutHosts = (text: string): string => text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s/]+/gi, '<url>');
