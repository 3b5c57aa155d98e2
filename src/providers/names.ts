/** The Vagrant providers a lab can run on. Kept apart from the provider modules so the lab schema can name them. */
export const PROVIDER_NAMES = ['virtualbox', 'libvirt', 'vmware_desktop', 'lxc'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
