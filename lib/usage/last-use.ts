/**
 * A key's last use (ApiKey.lastUsedAt/Ip/UserAgent) is rewritten at most this often while it keeps coming
 * from the same address and user agent: "last used" is exact to the minute, and a busy key does not cost a
 * row and index update on every batch. A new address or user agent is written at once.
 */
export const LAST_USE_EVERY_MS = 60_000;
