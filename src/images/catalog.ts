/**
 * The course's base images that docker-lab makes itself, since no registry is reachable: a Debian rootfs of the
 * node's own suite with the packages the course's image brought. Their recipe is in provision/node/setup.sh
 * (BASE_IMAGES); a unit test keeps the two lists equal.
 */
export const COURSE_IMAGES = ['python', 'redis'] as const;
export type CourseImage = (typeof COURSE_IMAGES)[number];
