/**
 * The registry: States, their accounts and SSH keys, standing instructions and points of
 * contact, declared in {@code config/registry.yaml}. {@link org.treatyexchange.server.registry.RegistryLoader}
 * validates the file completely; {@link org.treatyexchange.server.registry.RegistryService} holds
 * the current {@link org.treatyexchange.server.registry.Registry} and swaps it atomically on reload.
 */
package org.treatyexchange.server.registry;
