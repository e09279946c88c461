using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BotHost.DirectLine;

/// <summary>What a Direct Line token grants: one conversation, as one user, until it expires.</summary>
public sealed record DirectLineGrant(string ConversationId, string UserId, string UserName, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues and checks Direct Line tokens: the grant as base64url JSON and its HMAC-SHA256. The user id
/// of every activity posted with a token comes from here, never from the activity, so a page cannot
/// speak as someone else. The key comes from <c>DirectLine:Secret</c>; without one, from a random key
/// made once and kept in the database, so every host sharing the database accepts the others' tokens.
/// </summary>
public sealed class DirectLineTokens(IServiceScopeFactory scopes, IOptions<DirectLineOptions> options, TimeProvider time)
{
    private const string KeyName = "token-signing";
    private readonly SemaphoreSlim _keyGate = new(1, 1);
    private byte[]? _key;

    public TimeSpan Lifetime => options.Value.TokenLifetime;

    public async Task<string> IssueAsync(string conversationId, string userId, string userName, CancellationToken cancellationToken)
    {
        var grant = new Payload(conversationId, userId, userName, time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(grant));
        return body + "." + Sign(await KeyAsync(cancellationToken), body);
    }

    /// <summary>The grant of a valid, unexpired token; null otherwise.</summary>
    public async Task<DirectLineGrant?> ReadAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Split('.') is not [var body, var signature])
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(await KeyAsync(cancellationToken), body)), Encoding.ASCII.GetBytes(signature)))
        {
            return null;
        }

        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(body));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return null;
        }

        if (payload is null || payload.E <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        return new DirectLineGrant(payload.C, payload.U, payload.N, DateTimeOffset.FromUnixTimeSeconds(payload.E));
    }

    private static string Sign(byte[] key, string body) => Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body)));

    private async ValueTask<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } known)
        {
            return known;
        }

        var secret = options.Value.Secret;
        if (!string.IsNullOrEmpty(secret))
        {
            return _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("directline-token-key"), Encoding.UTF8.GetBytes(secret));
        }

        await _keyGate.WaitAsync(cancellationToken);
        try
        {
            if (_key is { } loaded)
            {
                return loaded;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
            var row = await db.Keys.AsNoTracking().FirstOrDefaultAsync(k => k.Name == KeyName, cancellationToken);
            if (row is null)
            {
                db.Keys.Add(new DirectLineKeyRow { Name = KeyName, Key = RandomNumberGenerator.GetBytes(32) });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another host made the key first: use theirs.
                }

                db.ChangeTracker.Clear();
                row = await db.Keys.AsNoTracking().FirstAsync(k => k.Name == KeyName, cancellationToken);
            }

            return _key = row.Key;
        }
        finally
        {
            _keyGate.Release();
        }
    }

    private sealed record Payload(string C, string U, string N, long E);
}
