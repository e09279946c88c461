using BotFramework;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Trust;

/// <summary>How long personal data is kept, how erasure finishes, and where the operator has put each store,
/// under the section <c>Privacy</c>. See <c>docs/privacy.md</c>.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>How long each kind of data is kept; the maintenance pass deletes what is older.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>How often the maintenance pass enforces retention and finishes erasures. Default: 15 minutes
    /// (from 10 seconds to one day).</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// An erasure of someone active within this time runs once more after it, to remove what a turn still in
    /// progress when the erasure committed wrote afterwards (a slow language model answer, another replica whose
    /// directory cache still knew the person for up to 30 s). Default: 2 minutes (from 0 to one hour).
    /// </summary>
    public TimeSpan ErasureFinalPassAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Where the operator has placed each store, shown in <c>/health</c>.</summary>
    public ResidencyOptions Residency { get; set; } = new();
}

/// <summary>How long each kind of personal data is kept, counted from its last change.</summary>
public sealed class RetentionOptions
{
    /// <summary>Web Chat conversations (their history and files) and conversation state, from their last
    /// activity. Default: 30 days (from 1 day to 10 years).</summary>
    public TimeSpan Transcripts { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The knowledge question log (every question asked, answered or not), from when it was asked.
    /// Default: 365 days (from 1 day to 10 years).</summary>
    public TimeSpan QuestionsLog { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Thumbs up or down on answers, with their reasons. Default: 365 days (from 1 day to 10 years).</summary>
    public TimeSpan Feedback { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Ids of activities already processed (the re-delivery guard). Default: 1 hour (from
    /// <c>Bot:DuplicateWindow</c>, which the guard needs, to 7 days).</summary>
    public TimeSpan ProcessedActivities { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Files uploaded into a conversation, and enablement uploads nobody confirmed. Default: 30 days
    /// (from 1 day to 10 years). Evidence an onboarding step or an MDF claim rests on is a business record and is
    /// not an upload in this sense.</summary>
    public TimeSpan Uploads { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The provenance of answers (cited document versions, model versions); it names nobody.
    /// Default: 730 days (from 1 day to 10 years).</summary>
    public TimeSpan Provenance { get; set; } = TimeSpan.FromDays(730);

    public TimeSpan For(RetentionKind kind) => kind switch
    {
        RetentionKind.Transcripts => Transcripts,
        RetentionKind.QuestionsLog => QuestionsLog,
        RetentionKind.Feedback => Feedback,
        RetentionKind.ProcessedActivities => ProcessedActivities,
        RetentionKind.Uploads => Uploads,
        RetentionKind.Provenance => Provenance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>The kinds of data with a retention period.</summary>
public enum RetentionKind
{
    Transcripts,
    QuestionsLog,
    Feedback,
    ProcessedActivities,
    Uploads,
    Provenance,
}

/// <summary>
/// Where the operator has placed each store, as a region name (e.g. <c>eu-west</c>): the host cannot know
/// which region a machine is in, so an operator who must show that data stays in a region declares it here
/// and <c>/health</c> shows it beside each store's host. Default: empty (not declared).
/// </summary>
public sealed class ResidencyOptions
{
    /// <summary>Region of this host and its data folder.</summary>
    public string DataFolderRegion { get; set; } = "";

    /// <summary>Region of the relational database (the data folder's when it is the SQLite file).</summary>
    public string DatabaseRegion { get; set; } = "";

    /// <summary>Region of the Qdrant server, when <c>Knowledge:Store</c> is Qdrant.</summary>
    public string VectorStoreRegion { get; set; } = "";

    /// <summary>Region of the language model endpoint, when one is configured.</summary>
    public string LanguageModelRegion { get; set; } = "";
}

/// <summary>Checks every period against its range, and that the re-delivery guard keeps ids as long as it needs them.</summary>
internal sealed class PrivacyOptionsValidator(IOptions<BotOptions> bot) : IValidateOptions<PrivacyOptions>
{
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);
    private static readonly TimeSpan TenYears = TimeSpan.FromDays(3650);

    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        var failures = new List<string>();
        var retention = options.Retention;
        foreach (var kind in Enum.GetValues<RetentionKind>().Where(k => k != RetentionKind.ProcessedActivities))
        {
            var value = retention.For(kind);
            if (value < OneDay || value > TenYears)
            {
                failures.Add($"Privacy:Retention:{kind} must be between 1.00:00:00 and 3650.00:00:00 (was {value}).");
            }
        }

        var window = bot.Value.DuplicateWindow;
        if (retention.ProcessedActivities < window || retention.ProcessedActivities > TimeSpan.FromDays(7))
        {
            failures.Add($"Privacy:Retention:ProcessedActivities must be between Bot:DuplicateWindow ({window}) and 7.00:00:00 (was {retention.ProcessedActivities}).");
        }

        if (options.MaintenanceInterval < TimeSpan.FromSeconds(10) || options.MaintenanceInterval > OneDay)
        {
            failures.Add($"Privacy:MaintenanceInterval must be between 00:00:10 and 1.00:00:00 (was {options.MaintenanceInterval}).");
        }

        if (options.ErasureFinalPassAfter < TimeSpan.Zero || options.ErasureFinalPassAfter > TimeSpan.FromHours(1))
        {
            failures.Add($"Privacy:ErasureFinalPassAfter must be between 00:00:00 and 01:00:00 (was {options.ErasureFinalPassAfter}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
