namespace EnsembleFarm.Deploy.Tests.Kustomize;

/// <summary>A container image as <c>repository[:tag]</c> (a registry's host:port is part of the repository).</summary>
internal static class ImageReference
{
    public static (string Repository, string? Tag) Split(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal)) throw new NotSupportedException($"image digests ({image}) are not supported by the tests");
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, null);
    }
}
