using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace PartnerAssistant.Knowledge.Documents;

/// <summary>A file the knowledge base cannot read; the message says why, for the editor.</summary>
public sealed class DocumentFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads Markdown (with YAML front matter), plain text, HTML and Word (.docx) files into a
/// <see cref="KnowledgeDocument"/> whose body is Markdown, so headings survive whatever the format
/// and one chunker cuts them all.
/// </summary>
public static class DocumentReader
{
    public static readonly IReadOnlyList<string> SupportedExtensions = [".md", ".markdown", ".txt", ".html", ".htm", ".docx"];

    public static bool IsSupported(string fileName) =>
        SupportedExtensions.Contains(Path.GetExtension(fileName), StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads one file.</summary>
    /// <param name="source">The name citations and the index use for it; its extension picks the format.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="defaultAudience">The audience when the file does not say (front matter or meta tag).</param>
    public static KnowledgeDocument Read(string source, ReadOnlySpan<byte> content, KnowledgeAudience defaultAudience)
    {
        var extension = Path.GetExtension(source).ToLowerInvariant();
        return extension switch
        {
            ".md" or ".markdown" or ".txt" => ReadMarkdown(source, Utf8(content), defaultAudience, plainText: extension == ".txt"),
            ".html" or ".htm" => ReadHtml(source, Utf8(content), defaultAudience),
            ".docx" => ReadDocx(source, content.ToArray(), defaultAudience),
            _ => throw new DocumentFormatException($"'{Path.GetFileName(source)}' is not a supported file type; use Markdown, plain text, HTML or Word (.docx)."),
        };
    }

    private static string Utf8(ReadOnlySpan<byte> content)
    {
        var text = Encoding.UTF8.GetString(content);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    internal static KnowledgeDocument ReadMarkdown(string source, string text, KnowledgeAudience defaultAudience, bool plainText = false)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var meta = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (text.StartsWith("---\n", StringComparison.Ordinal))
        {
            var end = text.IndexOf("\n---", 4, StringComparison.Ordinal);
            if (end > 0)
            {
                meta = ParseFrontMatter(source, text[4..end]);
                var after = text.IndexOf('\n', end + 4);
                text = after < 0 ? "" : text[(after + 1)..];
            }
        }

        var body = text.Trim();
        var title = Text(meta, "title") ?? FirstHeading(body) ?? (plainText ? FirstLine(body) : null) ?? TitleFromFileName(source);
        return Build(source, title, body, meta, defaultAudience);
    }

    private static KnowledgeDocument ReadHtml(string source, string html, KnowledgeAudience defaultAudience)
    {
        var document = new HtmlParser().ParseDocument(html);
        var meta = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in document.QuerySelectorAll("meta[name]"))
        {
            var name = tag.GetAttribute("name")!.Trim().Replace('-', '_');
            var value = tag.GetAttribute("content");
            meta[name] = name is "tiers" or "partner_types" or "tags" or "keywords"
                ? value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Cast<object>().ToList()
                : value;
        }

        var markdown = new StringBuilder();
        if (document.Body is { } body)
        {
            AppendHtml(body, markdown);
        }

        var text = markdown.ToString().Trim();
        var title = Text(meta, "title") ?? NonEmpty(document.Title) ?? FirstHeading(text) ?? TitleFromFileName(source);
        return Build(source, title, text, meta, defaultAudience);
    }

    private static void AppendHtml(INode node, StringBuilder markdown)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is not IElement element)
            {
                if (child.NodeType == NodeType.Text && !string.IsNullOrWhiteSpace(child.TextContent) && node is IElement { LocalName: "body" or "div" or "section" or "article" or "main" })
                {
                    markdown.Append(Collapse(child.TextContent)).Append("\n\n");
                }

                continue;
            }

            switch (element.LocalName)
            {
                case "script" or "style" or "nav" or "head" or "noscript" or "template":
                    break;
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    markdown.Append('#', element.LocalName[1] - '0').Append(' ').Append(Collapse(element.TextContent)).Append("\n\n");
                    break;
                case "p" or "blockquote" or "pre" or "dt" or "dd" or "figcaption":
                    AppendParagraph(markdown, Collapse(element.TextContent));
                    break;
                case "li":
                    AppendParagraph(markdown, "- " + Collapse(element.TextContent), list: true);
                    break;
                case "tr":
                    AppendParagraph(markdown, string.Join(" | ", element.Children.Select(c => Collapse(c.TextContent))), list: true);
                    break;
                case "br" or "hr" or "img":
                    break;
                default:
                    AppendHtml(element, markdown);
                    if (element.LocalName is "ul" or "ol" or "table")
                    {
                        markdown.Append('\n');
                    }

                    break;
            }
        }
    }

    private static void AppendParagraph(StringBuilder markdown, string text, bool list = false)
    {
        if (text.Length > 0 && text != "- ")
        {
            markdown.Append(text).Append(list ? "\n" : "\n\n");
        }
    }

    private static KnowledgeDocument ReadDocx(string source, byte[] content, KnowledgeAudience defaultAudience)
    {
        WordprocessingDocument word;
        try
        {
            word = WordprocessingDocument.Open(new MemoryStream(content), false);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or FileFormatException or InvalidDataException or IOException)
        {
            throw new DocumentFormatException($"'{Path.GetFileName(source)}' is not a readable Word document: {ex.Message}", ex);
        }

        using (word)
        {
            var body = word.MainDocumentPart?.Document?.Body
                ?? throw new DocumentFormatException($"'{Path.GetFileName(source)}' has no document body.");
            var styles = word.MainDocumentPart!.StyleDefinitionsPart?.Styles;
            var markdown = new StringBuilder();
            string? titleFromStyle = null;
            foreach (var element in body.ChildElements)
            {
                if (element is Paragraph paragraph)
                {
                    var text = Collapse(string.Concat(paragraph.Descendants<Text>().Select(t => t.Text)));
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    var level = HeadingLevel(paragraph, styles);
                    if (level == 0)
                    {
                        titleFromStyle ??= text;
                        markdown.Append("# ").Append(text).Append("\n\n");
                    }
                    else if (level > 0)
                    {
                        // Word's Heading 1 is a top-level section: the document's own title (Title style) is the Markdown H1.
                        markdown.Append('#', Math.Min(level + 1, 6)).Append(' ').Append(text).Append("\n\n");
                    }
                    else if (paragraph.ParagraphProperties?.NumberingProperties is not null)
                    {
                        markdown.Append("- ").Append(text).Append('\n');
                    }
                    else
                    {
                        markdown.Append(text).Append("\n\n");
                    }
                }
                else if (element is Table table)
                {
                    foreach (var row in table.Elements<TableRow>())
                    {
                        markdown.Append(string.Join(" | ", row.Elements<TableCell>().Select(c => Collapse(c.InnerText)))).Append('\n');
                    }

                    markdown.Append('\n');
                }
            }

            var text_ = markdown.ToString().Trim();
            var meta = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            var core = word.PackageProperties;
            var title = NonEmpty(core.Title) ?? titleFromStyle ?? FirstHeading(text_) ?? TitleFromFileName(source);
            if (NonEmpty(core.Creator) is { } creator)
            {
                meta["owner"] = creator;
            }

            if (NonEmpty(core.Keywords) is { } keywords)
            {
                meta["tags"] = keywords.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Cast<object>().ToList();
            }

            if (core.Modified is { } modified)
            {
                meta["last_reviewed"] = modified.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            return Build(source, title, text_, meta, defaultAudience);
        }
    }

    /// <summary>-1 for body text, 0 for the document title, 1–6 for headings (from the style id or
    /// the style's outline level, so localised style names still work).</summary>
    private static int HeadingLevel(Paragraph paragraph, Styles? styles)
    {
        var properties = paragraph.ParagraphProperties;
        if (properties?.OutlineLevel?.Val?.Value is { } outline)
        {
            return Math.Clamp(outline + 1, 1, 6);
        }

        var styleId = properties?.ParagraphStyleId?.Val?.Value;
        if (styleId is null)
        {
            return -1;
        }

        if (styleId.Equals("Title", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        if (styleId.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) && int.TryParse(styleId.AsSpan(7), out var level))
        {
            return Math.Clamp(level, 1, 6);
        }

        var style = styles?.Elements<Style>().FirstOrDefault(s => s.StyleId?.Value == styleId);
        return style?.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } styleOutline ? Math.Clamp(styleOutline + 1, 1, 6) : -1;
    }

    private static KnowledgeDocument Build(string source, string title, string markdown, Dictionary<string, object?> meta, KnowledgeAudience defaultAudience)
    {
        var audienceText = Text(meta, "audience");
        var audience = audienceText is null ? defaultAudience : KnowledgeAudiences.Parse(audienceText)
            ?? throw new DocumentFormatException($"{source}: audience '{audienceText}' must be partner, internal or all.");
        DateOnly? reviewed = null;
        if (Text(meta, "last_reviewed") is { } reviewedText)
        {
            reviewed = DateOnly.TryParse(reviewedText, CultureInfo.InvariantCulture, out var date)
                ? date
                : throw new DocumentFormatException($"{source}: last_reviewed '{reviewedText}' is not a date (use YYYY-MM-DD).");
        }

        return new KnowledgeDocument
        {
            Source = source,
            Title = title.Trim(),
            Audience = audience,
            Tiers = KnownSlugs(source, meta, "tiers", KnowledgeAudiences.TierSlugs),
            PartnerTypes = KnownSlugs(source, meta, "partner_types", KnowledgeAudiences.PartnerTypeSlugs),
            Owner = Text(meta, "owner") ?? "",
            LastReviewed = reviewed,
            Tags = List(meta, "tags") ?? [],
            SourceUrl = Text(meta, "source_url") ?? "",
            Markdown = markdown,
        };
    }

    private static Dictionary<string, object?> ParseFrontMatter(string source, string yaml)
    {
        try
        {
            var parsed = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(yaml);
            return new Dictionary<string, object?>(parsed ?? [], StringComparer.OrdinalIgnoreCase);
        }
        catch (YamlException ex)
        {
            throw new DocumentFormatException($"{source}: the front matter is not valid YAML ({ex.Message}).", ex);
        }
    }

    private static string? Text(Dictionary<string, object?> meta, string key) =>
        meta.TryGetValue(key, out var value) && value is not null and not IList<object> && value.ToString() is { Length: > 0 } text ? text.Trim() : null;

    private static List<string>? List(Dictionary<string, object?> meta, string key) =>
        meta.TryGetValue(key, out var value) switch
        {
            false => null,
            true when value is IList<object> list => list.Select(v => v?.ToString()?.Trim().ToLowerInvariant()).OfType<string>().Where(v => v.Length > 0).ToList(),
            true when value is string text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant()).ToList(),
            _ => null,
        };

    /// <summary>The slugs of a filter field, <c>all</c> when absent. A misspelt one would hide the document from every
    /// partner (retrieval filters on these), so it is refused with the names that are allowed.</summary>
    private static IReadOnlyList<string> KnownSlugs(string source, Dictionary<string, object?> meta, string key, IReadOnlySet<string> known)
    {
        var slugs = List(meta, key) is { Count: > 0 } list ? list : ["all"];
        var unknown = slugs.Where(s => !known.Contains(s)).ToList();
        return unknown.Count == 0
            ? slugs
            : throw new DocumentFormatException($"{source}: {key} names {string.Join(", ", unknown.Select(u => $"'{u}'"))}; use {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
    }

    private static string? FirstHeading(string markdown)
    {
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                return line[2..].Trim();
            }
        }

        return null;
    }

    private static string? FirstLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) is { } line ? line[..Math.Min(line.Length, 120)] : null;

    private static string TitleFromFileName(string source)
    {
        var name = Path.GetFileNameWithoutExtension(source).Replace('-', ' ').Replace('_', ' ').Trim();
        return name.Length == 0 ? source : char.ToUpperInvariant(name[0]) + name[1..];
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
