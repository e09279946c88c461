using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace PartnerAssistant.Conversation;

/// <summary>A plugin class registered under a name; see <see cref="PluginServiceCollectionExtensions.AddAssistantPlugin{T}"/>.</summary>
public sealed record PluginRegistration(string Name, Type Type);

/// <summary>
/// Every registered plugin, created once (plugins are stateless singletons; the caller comes
/// from the turn), and a fresh lightweight <see cref="Kernel"/> for each turn.
/// </summary>
public sealed class PluginCatalog
{
    private readonly IServiceProvider _services;
    private readonly Lazy<KernelPluginCollection> _plugins;

    public PluginCatalog(IServiceProvider services, IEnumerable<PluginRegistration> registrations)
    {
        _services = services;
        var list = registrations.ToList();
        _plugins = new Lazy<KernelPluginCollection>(() => new KernelPluginCollection(
            list.Select(r => KernelPluginFactory.CreateFromObject(services.GetRequiredService(r.Type), r.Name))));
    }

    public KernelPluginCollection Plugins => _plugins.Value;

    public bool TryGetFunction(string intentId, out KernelFunction function)
    {
        var dot = intentId.IndexOf('.', StringComparison.Ordinal);
        function = null!;
        return dot > 0 && Plugins.TryGetFunction(intentId[..dot], intentId[(dot + 1)..], out function!);
    }

    public Kernel CreateKernel(AssistantTurn turn)
    {
        var kernel = new Kernel(_services, Plugins);
        kernel.Data[AssistantTurn.KernelDataKey] = turn;
        return kernel;
    }
}

public static class PluginServiceCollectionExtensions
{
    /// <summary>Registers a plugin class; its <c>[KernelFunction]</c> methods become <c>Name.Function</c> intents.</summary>
    public static IServiceCollection AddAssistantPlugin<T>(this IServiceCollection services, string name) where T : class
    {
        services.AddSingleton<T>();
        services.AddSingleton(new PluginRegistration(name, typeof(T)));
        return services;
    }
}
