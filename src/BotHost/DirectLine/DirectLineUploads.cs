using Microsoft.Extensions.Options;
using PartnerAssistant.Edge;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Documents;
using PartnerAssistant.PartnerProgram;

namespace BotHost.DirectLine;

/// <summary>
/// Which files Web Chat may upload: the kinds some capability reads (enablement documents, evidence for
/// onboarding and MDF claims, label photos and recordings for the edge gateways), each no larger than the
/// largest limit those capabilities set. The endpoint cannot know which request a file is for, so the
/// capability that reads it still applies its own, possibly smaller, limit and says so in the chat.
/// </summary>
public sealed class DirectLineUploads(IOptions<KnowledgeOptions> knowledge, IOptions<ProgramOptions> program, IOptions<EdgeOptions> edge)
{
    /// <summary>Extensions besides the enablement document formats: evidence (PDF, spreadsheets, images) and edge inputs.</summary>
    private static readonly string[] OtherExtensions = [".pdf", ".csv", ".xlsx", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".wav"];

    /// <summary>Files per message: a handful, as a person attaches them to one message.</summary>
    public const int MaxFiles = 5;

    public IReadOnlyList<string> Extensions { get; } = [.. DocumentReader.SupportedExtensions, .. OtherExtensions];

    /// <summary>The largest file accepted, in bytes.</summary>
    public long MaxFileBytes => Math.Max(knowledge.Value.MaxUploadBytes, Math.Max(program.Value.MaxDocumentBytes, edge.Value.MaxAttachmentBytes));

    /// <summary>The largest upload request: every file at its largest, and room for the activity.</summary>
    public long MaxRequestBytes => (MaxFileBytes * MaxFiles) + (1L << 20);

    public bool IsAccepted(string fileName) => Extensions.Contains(Path.GetExtension(fileName), StringComparer.OrdinalIgnoreCase);

    /// <summary>What the user reads when a file's kind is refused.</summary>
    public string Unsupported(string fileName) => $"'{fileName}' is not a kind of file I can use. Send {string.Join(", ", Extensions)}.";

    /// <summary>What the user reads when a file is too large.</summary>
    public string TooLarge(string fileName) => $"'{fileName}' is larger than {Megabytes(MaxFileBytes)}, the largest file I can take.";

    public static string Megabytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MB" : $"{Math.Max(1, bytes / 1024)} KB";
}
