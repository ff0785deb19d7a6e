/**
 * Every vendor a person connects an account of in Settings: the CI providers (GitHub,
 * GitLab: they store CI secrets, and issue tokens too) and the vendors that only issue
 * tokens (npm, Cloudflare). Our own service is not one: its accounts are signed in to.
 */
import { Type } from 'typebox';
import { PROVIDERS, type Provider } from './ci-providers/registry.js';

export const ISSUING_VENDORS = ['npm', 'cloudflare'] as const;
export type IssuingVendor = (typeof ISSUING_VENDORS)[number];

export type Vendor = Provider | IssuingVendor;

export const VENDORS = [...PROVIDERS, ...ISSUING_VENDORS] as readonly Vendor[];

export const VendorSchema = Type.Union([
  Type.Literal('github'),
  Type.Literal('gitlab'),
  Type.Literal('npm'),
  Type.Literal('cloudflare'),
]);

export function isCiProvider(vendor: string): vendor is Provider {
  return (PROVIDERS as readonly string[]).includes(vendor);
}

export function isIssuingVendor(vendor: string): vendor is IssuingVendor {
  return (ISSUING_VENDORS as readonly string[]).includes(vendor);
}

/** The address a vendor-only account uses unless the person names another (a private registry, say). */
export const PUBLIC_VENDOR_HOSTS: Record<IssuingVendor, string> = {
  npm: 'https://registry.npmjs.org',
  cloudflare: 'https://api.cloudflare.com/client/v4',
};

export const VENDOR_NAMES: Record<IssuingVendor, string> = {
  npm: 'npm',
  cloudflare: 'Cloudflare',
};
