using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using PartnerAssistant.Conversation.LanguageModel;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Tests.Conversation.LanguageModel;

/// <summary>The shipped <c>prompts/assistant</c> templates parse, declare what they use and render.</summary>
public sealed class AssistantPromptsTests
{
    private static string Folder => Path.Combine(AssetLocator.Require("prompts", "The repository's prompts folder is needed."), "assistant");

    [Fact]
    public async Task Load_ShippedTemplates_EachRendersEveryDeclaredVariableAndNothingElse()
    {
        var prompts = AssistantPrompts.Load(Folder);

        Assert.Equal(["grounded_answer", "grounded_answer_input", "summarize_history", "system"], prompts.All.Select(p => p.Name).Order());
        foreach (var config in prompts.All)
        {
            var arguments = new KernelArguments();
            foreach (var variable in config.InputVariables)
            {
                arguments[variable.Name] = $"<{variable.Name} & 'value'>";
            }

            var rendered = await prompts.RenderAsync(config.Name!, new Kernel(), arguments, TestContext.Current.CancellationToken);

            Assert.False(string.IsNullOrWhiteSpace(config.Description), $"{config.Name} has no description");
            Assert.DoesNotContain("{{", rendered);
            foreach (var variable in config.InputVariables)
            {
                // Values arrive verbatim: the rendered text is one message, never parsed as chat markup.
                Assert.Contains($"<{variable.Name} & 'value'>", rendered);
            }
        }
    }

    [Fact]
    public async Task RenderAsync_MissingRequiredVariable_NamesIt()
    {
        var prompts = AssistantPrompts.Load(Folder);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            prompts.RenderAsync(AssistantPrompts.GroundedAnswer, new Kernel(), new KernelArguments { ["question"] = "q" }, TestContext.Current.CancellationToken));

        Assert.StartsWith("The prompt 'grounded_answer' needs the variable 'audience'.", error.Message);
    }

    [Fact]
    public async Task RenderAsync_OptionalVariable_TakesItsDeclaredDefault()
    {
        var prompts = AssistantPrompts.Load(Folder);

        var rendered = await prompts.RenderAsync(AssistantPrompts.GroundedAnswer, new Kernel(), new KernelArguments
        {
            ["audience"] = "partner",
            ["passage_count"] = "1",
        }, TestContext.Current.CancellationToken);

        Assert.Contains("reply with exactly NOT_IN_SOURCES and nothing else", rendered);
        Assert.Contains("At most 120 words", rendered);
    }

    [Fact]
    public void Parse_ExecutionSettings_MeanWhatTheyMeanToSemanticKernel()
    {
        var config = AssistantPrompts.Load(Folder)[AssistantPrompts.SystemPrompt];

        var settings = AzureOpenAIPromptExecutionSettings.FromExecutionSettings(config.DefaultExecutionSettings);

        Assert.Equal(0.2, settings.Temperature);
        Assert.Equal(800, settings.MaxTokens);
    }

    [Fact]
    public void Parse_TemplateUsingAnUndeclaredVariable_FailsNamingTheFileAndVariable()
    {
        const string yaml = """
            name: broken
            description: Uses a variable it does not declare.
            template_format: semantic-kernel
            template: Hello {{$name}}, from {{$place}}.
            input_variables:
              - name: name
            """;

        var error = Assert.Throws<InvalidDataException>(() => AssistantPrompts.Parse(yaml, "broken.yaml"));

        Assert.Equal("broken.yaml: the template uses '$place', which input_variables does not declare.", error.Message);
    }

    [Fact]
    public void Parse_InvalidYaml_FailsNamingTheFile()
    {
        var error = Assert.Throws<InvalidDataException>(() => AssistantPrompts.Parse("name: [unclosed\ntemplate: x", "bad.yaml"));

        Assert.StartsWith("bad.yaml: ", error.Message);
    }
}
