package org.treatyexchange.server.store.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Opens a {@link BlobStore}. */
public final class BlobStores {
    private BlobStores() {
    }

    /**
     * Blobs as files under {@code directory} (created owner-only when missing): {@code ab/cd/<id>},
     * temporaries in {@code tmp/} on the same file system so that commit is an atomic rename.
     *
     * @param fsync true in production. False skips the fsync of file and directory on commit, so a
     *              power failure may lose a blob whose filing was already acknowledged: tests and
     *              benchmarks only.
     * @throws UncheckedIOException when the directory cannot be created or used
     */
    public static BlobStore local(Path directory, boolean fsync) {
        try {
            return new LocalBlobStore(directory, fsync);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the blob directory", e);
        }
    }

    /**
     * Where and how to reach an object store.
     *
     * @param endpoint    the service's URL, or null for AWS's endpoint of the region
     * @param region      the signing region
     * @param bucket      the bucket, which must exist
     * @param prefix      empty or a key prefix ending in {@code /}
     * @param credentials an AWS-style credentials file's text (profile {@code default}); never logged
     * @param partSize    bytes per multipart part
     * @param orphanGrace see {@link BlobStore#orphanCandidates()}
     */
    public record ObjectStoreSettings(URI endpoint, String region, String bucket, String prefix, String credentials, int partSize,
            Duration orphanGrace) {
        @Override
        public String toString() {
            return "ObjectStoreSettings[" + endpoint + ", " + region + ", s3://" + bucket + "/" + prefix + "]"; // never the credentials
        }
    }

    /**
     * Blobs as objects in an S3-compatible store shared by every node. Checks at once that the bucket can
     * be reached with the credentials, so a wrong setting stops the start rather than the first filing.
     *
     * @throws IOException naming what failed (credentials, bucket, endpoint) in the object store's words
     */
    public static BlobStore objectStore(ObjectStoreSettings settings, Clock clock) throws IOException {
        AwsCredentials credentials;
        try {
            ProfileFile profiles = ProfileFile.builder()
                    .content(new ByteArrayInputStream(settings.credentials().getBytes(StandardCharsets.UTF_8)))
                    .type(ProfileFile.Type.CREDENTIALS).build();
            credentials = ProfileCredentialsProvider.builder().profileFile(profiles).profileName("default").build().resolveCredentials();
        } catch (SdkException | IllegalArgumentException e) {
            throw new IOException("the object store credentials file has no usable [default] profile with aws_access_key_id and "
                    + "aws_secret_access_key");
        }
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .region(Region.of(settings.region()))
                .credentialsProvider(() -> credentials)
                // S3-compatible stores differ in the newer optional checksums; the vault authenticates every segment anyway
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMinutes(5)).apiCallAttemptTimeout(Duration.ofMinutes(2)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint()).forcePathStyle(true);
        }
        S3Client s3 = builder.build();
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            s3.close();
            throw ObjectStoreBlobs.failed("cannot reach bucket " + settings.bucket(), e);
        }
        return new ObjectStoreBlobs(s3, settings.bucket(), settings.prefix(), settings.partSize(), settings.orphanGrace(), clock);
    }
}
