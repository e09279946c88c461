using System.ComponentModel.DataAnnotations;

namespace BotHost.DirectLine;

/// <summary>
/// The host's own Direct Line 3.0 endpoint (<c>/v3/directline</c>), for Web Chat on the host's page or
/// in a partner portal, under the section <c>DirectLine</c>. Conversations, their history and uploaded
/// files are kept in the database, so hosts sharing one database serve each other's conversations.
/// </summary>
public sealed class DirectLineOptions
{
    public const string SectionName = "DirectLine";

    /// <summary>Serve the Direct Line endpoint. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The secret a server (e.g. a partner portal's back end) sends as <c>Authorization: Bearer</c> to
    /// <c>POST /v3/directline/tokens/generate</c>, naming the signed-in user. It also keys the tokens'
    /// signatures. Default: empty, which issues tokens only in local development mode (no
    /// <c>Bot:MicrosoftAppId</c>) and only to loopback callers, signed with a key made at start-up. Set
    /// it with the environment (<c>DirectLine__Secret</c>) or user-secrets, never in a committed file.
    /// </summary>
    public string? Secret { get; set; }

    public const string SecretTooShort = "DirectLine:Secret must be empty or at least 32 characters.";

    /// <summary>How long a token is valid; Web Chat refreshes it before it expires. Default: 1 hour. Range 1 minute–24 hours.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Conversations idle for longer are removed, with their history and files; until then a person
    /// reopening the page resumes theirs and sees what arrived meanwhile. Default: 30 days. Range 1 minute–365 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan ConversationIdleTimeout { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Activities kept per conversation (older ones are dropped from the history). Default: 500. Range 10–10000.</summary>
    [Range(10, 10_000)]
    public int MaxActivitiesPerConversation { get; set; } = 500;

    /// <summary>Conversations kept at once; the least recently used is removed first. Default: 10000. Range 1–1000000.</summary>
    [Range(1, 1_000_000)]
    public int MaxConversations { get; set; } = 10_000;

    /// <summary>Conversations kept per person (each "New conversation" on the page starts one); the least
    /// recently used is removed first. Default: 5. Range 1–100.</summary>
    [Range(1, 100)]
    public int MaxConversationsPerPerson { get; set; } = 5;

    /// <summary>How often expired and surplus conversations are removed. Default: 15 minutes. Range 1 minute–1 day.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Origins (e.g. <c>https://partners.example.com</c>) whose pages may call the endpoint from the
    /// browser, for a portal that embeds Web Chat. Default: none (only the host's own page).</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
