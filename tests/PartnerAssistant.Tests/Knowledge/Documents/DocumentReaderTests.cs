using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Documents;

namespace PartnerAssistant.Tests.Knowledge.Documents;

public sealed class DocumentReaderTests
{
    [Fact]
    public void Read_MarkdownWithFrontMatter_TakesMetadataFromIt()
    {
        var document = DocumentReader.Read("program/mdf.md", """
            ---
            title: MDF — requests, claims and payment
            audience: partner
            tiers: [silver, gold, platinum]
            partner_types: [all]
            owner: NPN Enablement (enablement@northbeam.example)
            last_reviewed: 2026-10-15
            tags: [mdf, funds]
            source_url: https://partners.northbeam.example/docs/mdf
            ---

            # MDF — requests, claims and payment

            ## Requests

            Request at least 30 days ahead.
            """u8, KnowledgeAudience.Internal);

        Assert.Equal("MDF — requests, claims and payment", document.Title);
        Assert.Equal(KnowledgeAudience.Partner, document.Audience);
        Assert.Equal(["silver", "gold", "platinum"], document.Tiers);
        Assert.Equal(["all"], document.PartnerTypes);
        Assert.Equal(new DateOnly(2026, 10, 15), document.LastReviewed);
        Assert.Equal("https://partners.northbeam.example/docs/mdf", document.SourceUrl);
        Assert.StartsWith("# MDF", document.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("audience:", document.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownAudience_IsRefusedWithTheFileName()
    {
        var error = Assert.Throws<DocumentFormatException>(() => DocumentReader.Read("x.md", "---\naudience: customers\n---\n# X\n"u8, KnowledgeAudience.Internal));

        Assert.Equal("x.md: audience 'customers' must be partner, internal or all.", error.Message);
    }

    [Fact]
    public void Read_Html_KeepsHeadingsAndListsAndDropsScripts()
    {
        var document = DocumentReader.Read("guide.html", """
            <html><head><title>Co-sell guide</title><meta name="audience" content="all"><script>var x = 1;</script></head>
            <body><nav>Home | Docs</nav><h1>Co-sell guide</h1><p>Gold and Platinum partners can co-sell.</p>
            <h2>How to ask</h2><ul><li>Open the registration</li><li>Request an account executive</li></ul></body></html>
            """u8, KnowledgeAudience.Internal);
        var chunks = new MarkdownChunker(200, 20).Chunk(document);

        Assert.Equal("Co-sell guide", document.Title);
        Assert.Equal(KnowledgeAudience.All, document.Audience);
        Assert.DoesNotContain("var x", document.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Home | Docs", document.Markdown, StringComparison.Ordinal);
        Assert.Equal(("How to ask", "- Open the registration\n- Request an account executive"), (chunks[1].Section, chunks[1].Text));
    }

    [Fact]
    public void Read_Docx_TurnsHeadingStylesIntoSections()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            word.PackageProperties.Title = "Onboarding checklist";
            var main = word.AddMainDocumentPart();
            main.Document = new Document(new Body(
                Paragraph("Onboarding checklist", "Title"),
                Paragraph("Step 1 — agreement", "Heading1"),
                Paragraph("The partner admin signs the agreement by day 7.", null),
                Paragraph("Step 2 — compliance", "Heading1"),
                Paragraph("ESG and FCPA attestations are due by day 14.", null)));
        }

        var document = DocumentReader.Read("onboarding.docx", stream.ToArray(), KnowledgeAudience.Internal);
        var chunks = new MarkdownChunker(200, 20).Chunk(document);

        Assert.Equal("Onboarding checklist", document.Title);
        Assert.Equal(KnowledgeAudience.Internal, document.Audience);
        Assert.Equal(["Step 1 — agreement", "Step 2 — compliance"], chunks.Select(c => c.Section));
        Assert.Equal("ESG and FCPA attestations are due by day 14.", chunks[1].Text);
    }

    [Fact]
    public void Read_BrokenDocx_SaysItIsNotAReadableWordDocument()
    {
        var error = Assert.Throws<DocumentFormatException>(() => DocumentReader.Read("broken.docx", "not a zip"u8, KnowledgeAudience.Internal));

        Assert.StartsWith("'broken.docx' is not a readable Word document", error.Message, StringComparison.Ordinal);
    }

    private static Paragraph Paragraph(string text, string? style)
    {
        var paragraph = new Paragraph(new Run(new Text(text)));
        if (style is not null)
        {
            paragraph.ParagraphProperties = new ParagraphProperties(new ParagraphStyleId { Val = style });
        }

        return paragraph;
    }
}
