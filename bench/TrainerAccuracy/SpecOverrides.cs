using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// Sets fields of a spec's YAML before it is parsed (<c>model.init: he_xavier_uniform</c>), so that a variant of a
/// spec goes through the farm's own parser, names and validation, exactly as if the user had written it.
/// </summary>
internal static class SpecOverrides
{
    /// <param name="fields">Dotted paths and their values, e.g. ("model.init", "pytorch"); missing blocks are created.</param>
    public static string Apply(string yaml, IEnumerable<(string Path, string Value)> fields)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (var (path, value) in fields)
        {
            var keys = path.Split('.');
            var mapping = root;
            foreach (var key in keys[..^1])
            {
                if (!mapping.Children.TryGetValue(key, out var child) || child is not YamlMappingNode block)
                {
                    block = new YamlMappingNode();
                    mapping.Children[key] = block;
                }
                mapping = block;
            }
            mapping.Children[keys[^1]] = new YamlScalarNode(value);
        }
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
