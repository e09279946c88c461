using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace BotHost.DirectLine;

/// <summary>What a Direct Line token grants: one conversation, as one user, until it expires.</summary>
public sealed record DirectLineGrant(string ConversationId, string UserId, string UserName, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues and checks Direct Line tokens: the grant as base64url JSON and its HMAC-SHA256. The user id
/// of every activity posted with a token comes from here, never from the activity, so a page cannot
/// speak as someone else.
/// </summary>
public sealed class DirectLineTokens
{
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public DirectLineTokens(IOptions<DirectLineOptions> options, TimeProvider time)
    {
        var secret = options.Value.Secret;
        // Without a secret, tokens need only outlive this process, as the conversations do.
        _key = string.IsNullOrEmpty(secret)
            ? RandomNumberGenerator.GetBytes(32)
            : HMACSHA256.HashData(Encoding.UTF8.GetBytes("directline-token-key"), Encoding.UTF8.GetBytes(secret));
        _time = time;
        _lifetime = options.Value.TokenLifetime;
    }

    public TimeSpan Lifetime => _lifetime;

    public string Issue(string conversationId, string userId, string userName)
    {
        var grant = new Payload(conversationId, userId, userName, _time.GetUtcNow().Add(_lifetime).ToUnixTimeSeconds());
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(grant));
        return body + "." + Sign(body);
    }

    /// <summary>The grant of a valid, unexpired token; null otherwise.</summary>
    public DirectLineGrant? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Split('.') is not [var body, var signature])
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(body)), Encoding.ASCII.GetBytes(signature)))
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

        if (payload is null || payload.E <= _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        return new DirectLineGrant(payload.C, payload.U, payload.N, DateTimeOffset.FromUnixTimeSeconds(payload.E));
    }

    private string Sign(string body) => Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body)));

    private sealed record Payload(string C, string U, string N, long E);
}
